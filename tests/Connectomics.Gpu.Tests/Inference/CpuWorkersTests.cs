using System.ComponentModel.DataAnnotations;
using Connectomics.Embeddings;
using Connectomics.Gpu.Inference;
using Connectomics.Sequences;

namespace Connectomics.Gpu.Tests.Inference;

public sealed class CpuWorkersTests
{
    private static IReadOnlyList<SequenceRecord> MixedReads(int count, int seed) => RandomReads.Mixed(count, seed, 10, 500, "ACGT");

    private static NucleotideTransformerEmbedder Build(string fixture, Action<NucleotideTransformerEmbedderOptions> configure) =>
        NucleotideTransformerEmbedder.CreateBuilder()
            .FromPretrained(ReferenceFixture.PathOf(fixture))
            .OnDevice("cpu")
            .Configure(configure)
            .Build();

    [Theory]
    [InlineData(2, 4, 2, 2)]
    [InlineData(3, 4, 3, 1)]
    [InlineData(4, 4, 4, 1)]
    [InlineData(2, 5, 2, 2)]
    public void Explicit_workers_split_the_threads_evenly(int workers, int threads, int expectedWorkers, int expectedThreads)
    {
        var plan = CpuWorkerPlan.Resolve(workers, threads, defaultThreads: 16, mklDispatchesOnCpuFeatures: false);
        Assert.Equal(new CpuWorkerPlan(expectedWorkers, expectedThreads), plan);
    }

    [Fact]
    public void One_worker_leaves_the_thread_setting_to_libtorch_unless_given()
    {
        Assert.Equal(new CpuWorkerPlan(1, null), CpuWorkerPlan.Resolve(1, null, 8, mklDispatchesOnCpuFeatures: true));
        Assert.Equal(new CpuWorkerPlan(1, 6), CpuWorkerPlan.Resolve(1, 6, 8, mklDispatchesOnCpuFeatures: true));
        Assert.Equal(new CpuWorkerPlan(1, null), CpuWorkerPlan.Resolve(null, null, 8, mklDispatchesOnCpuFeatures: false));
        Assert.Equal(new CpuWorkerPlan(1, 3), CpuWorkerPlan.Resolve(null, 3, 8, mklDispatchesOnCpuFeatures: false));
    }

    [Fact]
    public void With_mkl_dispatching_on_cpu_features_every_thread_is_a_worker_by_default()
    {
        Assert.Equal(new CpuWorkerPlan(8, 1), CpuWorkerPlan.Resolve(null, null, 8, mklDispatchesOnCpuFeatures: true));
        Assert.Equal(new CpuWorkerPlan(3, 1), CpuWorkerPlan.Resolve(null, 3, 8, mklDispatchesOnCpuFeatures: true));
        Assert.Equal(new CpuWorkerPlan(1, 1), CpuWorkerPlan.Resolve(null, 1, 8, mklDispatchesOnCpuFeatures: true));
    }

    [Fact]
    public void More_workers_than_default_threads_is_refused_by_name()
    {
        var error = Assert.Throws<ValidationException>(() => CpuWorkerPlan.Resolve(3, null, 2, mklDispatchesOnCpuFeatures: false));
        Assert.Contains("CpuWorkers 3 exceeds the 2 CPU thread(s) libtorch uses by default", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_workers_than_threads_fails_validation()
    {
        var options = new NucleotideTransformerEmbedderOptions { CpuWorkers = 4, CpuThreads = 2 };
        var error = Assert.Throws<ValidationException>(options.Validate);
        Assert.Contains("CpuWorkers 4 exceeds CpuThreads 2", error.Message, StringComparison.Ordinal);

        options = new NucleotideTransformerEmbedderOptions { CpuWorkers = 0 };
        error = Assert.Throws<ValidationException>(options.Validate);
        Assert.Contains("CpuWorkers", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v1-tiny")]
    [InlineData("v2-tiny")]
    public async Task Two_workers_sharing_one_model_give_the_results_of_one(string fixture)
    {
        var reads = MixedReads(80, seed: 5);
        IReadOnlyList<SequenceEmbedding> single;
        using (var one = Build(fixture, o => { o.MaxBatchTokens = 300; o.CpuWorkers = 1; }))
        {
            Assert.Equal(1, one.CpuWorkers);
            single = await one.EmbedAsync(reads);
        }

        using var two = Build(fixture, o => { o.MaxBatchTokens = 300; o.CpuWorkers = 2; o.CpuThreads = 2; });
        Assert.Equal(2, two.CpuWorkers);
        Assert.Single(two.Devices);

        // Several callers at once, so both workers are busy with different batches of the shared model.
        var calls = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => two.EmbedAsync(reads)));
        foreach (var call in calls)
        {
            EmbeddingAssert.Close(single, call, 1e-5);
        }

        // Each batch runs single-threaded, so the same batching gives bit-identical vectors.
        EmbeddingAssert.Close(calls[0], calls[1], 0);
        EmbeddingAssert.Close(calls[0], calls[2], 0);
    }

    [Fact]
    public async Task Disposing_with_work_queued_finishes_it_before_releasing_the_shared_weights()
    {
        var reads = MixedReads(60, seed: 9);
        var embedder = Build("v2-tiny", o => { o.MaxBatchTokens = 200; o.CpuWorkers = 2; o.CpuThreads = 2; });
        var pending = embedder.EmbedAsync(reads);
        embedder.Dispose();

        var results = await pending;
        Assert.Equal(reads.Select(r => r.Id), results.Select(e => e.Id));
        Assert.All(results, e => Assert.True(float.IsFinite(e.Vector.Span[0])));
        Assert.Throws<ObjectDisposedException>(() => embedder.EmbedAsync(reads).GetAwaiter().GetResult());
    }
}
