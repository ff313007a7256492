using System.ComponentModel.DataAnnotations;
using Connectomics.Embeddings;
using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Models;
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

    private const long Plenty = 64L << 30;
    private const long Worker = 300L << 20;

    private static CpuWorkerPlan Resolve(int? workers, int? threads, int defaultThreads, bool mklDispatchesOnCpuFeatures = false, long available = Plenty) =>
        CpuWorkerPlan.Resolve(workers, threads, defaultThreads, mklDispatchesOnCpuFeatures, available, Worker);

    [Theory]
    [InlineData(2, 4, 2, 2)]
    [InlineData(3, 4, 3, 1)]
    [InlineData(4, 4, 4, 1)]
    [InlineData(2, 5, 2, 2)]
    public void Explicit_workers_split_the_threads_evenly(int workers, int threads, int expectedWorkers, int expectedThreads)
    {
        Assert.Equal(new CpuWorkerPlan(expectedWorkers, expectedThreads), Resolve(workers, threads, defaultThreads: 16));

        // An explicit choice is kept even where the default would have been limited by memory.
        Assert.Equal(new CpuWorkerPlan(expectedWorkers, expectedThreads), Resolve(workers, threads, defaultThreads: 16, available: Worker));
    }

    [Fact]
    public void One_explicit_worker_leaves_the_thread_setting_to_libtorch_unless_given()
    {
        Assert.Equal(new CpuWorkerPlan(1, null), Resolve(1, null, 8, mklDispatchesOnCpuFeatures: true));
        Assert.Equal(new CpuWorkerPlan(1, 6), Resolve(1, 6, 8, mklDispatchesOnCpuFeatures: true));
        Assert.Equal(new CpuWorkerPlan(1, null), Resolve(1, null, 8));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void By_default_every_thread_is_a_single_threaded_worker(bool mklDispatchesOnCpuFeatures)
    {
        Assert.Equal(new CpuWorkerPlan(8, 1), Resolve(null, null, 8, mklDispatchesOnCpuFeatures));
        Assert.Equal(new CpuWorkerPlan(3, 1), Resolve(null, 3, 8, mklDispatchesOnCpuFeatures));
        Assert.Equal(new CpuWorkerPlan(1, 1), Resolve(null, 1, 8, mklDispatchesOnCpuFeatures));
    }

    [Fact]
    public void By_default_only_as_many_workers_as_half_the_available_memory_holds()
    {
        // 2 GiB available: half of it holds three 300 MiB workers.
        const long twoGiB = 2L << 30;
        Assert.Equal(new CpuWorkerPlan(3, 2, LimitedByMemory: true), Resolve(null, 8, 16, available: twoGiB));
        Assert.Equal(new CpuWorkerPlan(3, 5, LimitedByMemory: true), Resolve(null, null, 16, available: twoGiB));

        // With MKL dispatching on CPU features the workers stay single-threaded, leaving threads unused.
        Assert.Equal(new CpuWorkerPlan(3, 1, LimitedByMemory: true), Resolve(null, 8, 16, mklDispatchesOnCpuFeatures: true, available: twoGiB));

        // Too little for two: one worker with every thread, as before workers existed.
        Assert.Equal(new CpuWorkerPlan(1, null, LimitedByMemory: true), Resolve(null, null, 16, available: Worker));
        Assert.Equal(new CpuWorkerPlan(1, 4, LimitedByMemory: true), Resolve(null, 4, 16, available: Worker));

        // Exactly enough is not limited.
        Assert.Equal(new CpuWorkerPlan(4, 1), Resolve(null, 4, 16, available: 8 * Worker));
    }

    [Fact]
    public void A_workers_memory_is_estimated_from_its_widest_activation()
    {
        // tiny: gated feed-forward of 2 x 512 floats per token; 8,192 tokens; 8 such activations.
        Assert.Equal(8L * 4 * 1024 * 8192, CpuWorkerPlan.EstimateWorkerBytes(NucleotideTransformerPresets.Get("tiny"), 8192));

        // v2-50m: the 60 MiB activation limit cuts the default 8,192-token budget to 3,840 tokens of 2 x 2048 floats.
        var v2 = NucleotideTransformerPresets.Get("v2-50m");
        var tokens = NucleotideTransformerEmbedder.EffectiveBatchTokens(v2, new NucleotideTransformerEmbedderOptions(), cpuOnly: true);
        Assert.Equal(3840, tokens);
        Assert.Equal(480L << 20, CpuWorkerPlan.EstimateWorkerBytes(v2, tokens));

        // v1 (500m): GELU feed-forward of 5120 floats, no doubling.
        Assert.Equal(8L * 4 * 5120 * 1000, CpuWorkerPlan.EstimateWorkerBytes(NucleotideTransformerPresets.Get("500m-human-ref"), 1000));
    }

    [Fact]
    public void More_workers_than_default_threads_is_refused_by_name()
    {
        var error = Assert.Throws<ValidationException>(() => Resolve(3, null, 2));
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
    public void By_default_the_embedder_runs_a_single_threaded_worker_per_thread_when_memory_allows()
    {
        using var embedder = Build("v2-tiny", o => o.CpuThreads = 2);
        var perWorker = CpuWorkerPlan.EstimateWorkerBytes(embedder.Config, embedder.MaxBatchTokens);
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

        // v2-tiny (gated feed-forward of 2 x 128 floats) at the default 8,192-token budget: 64 MiB per worker.
        Assert.Equal(8192, embedder.MaxBatchTokens);
        Assert.Equal(8L * 4 * 256 * 8192, perWorker);
        Assert.Equal(available / 2 >= 2 * perWorker ? 2 : 1, embedder.CpuWorkers);
        Assert.Single(embedder.Devices);
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
