using Connectomics.Devices;
using System.ComponentModel.DataAnnotations;
using Connectomics.Embeddings;
using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Models;
using Connectomics.Sequences;
using Microsoft.Extensions.DependencyInjection;

namespace Connectomics.Gpu.Tests.Inference;

public sealed class EmbedderBuilderTests
{
    private static readonly SequenceRecord[] Reads = [new("a", "ATTCCGATTCCGATTCCG"), new("b", "ACGTGTACNTGCACGGANCGACTAGTCTGA")];

    [Fact]
    public async Task Presets_are_reproducible_random_models_of_the_preset_shape()
    {
        async Task<IReadOnlyList<SequenceEmbedding>> Embed(long seed)
        {
            using var embedder = NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny", seed).OnDevice("cpu").Build();
            Assert.Equal(128, embedder.Dimension);
            Assert.Equal(2048, embedder.MaxTokens);
            Assert.Equal([ComputeDevice.Cpu], embedder.Devices);
            return await embedder.EmbedAsync(Reads);
        }

        var first = await Embed(7);
        var again = await Embed(7);
        var other = await Embed(8);
        Assert.Equal(first[0].Vector.ToArray(), again[0].Vector.ToArray());
        Assert.NotEqual(first[0].Vector.ToArray(), other[0].Vector.ToArray());
    }

    [Theory]
    [InlineData(1L << 20, 256)] // tiny: SwiGLU of 2 x 512 floats = 4 KiB per token
    [InlineData(null, 8192)]
    [InlineData(1L << 40, 8192)]
    public void Cpu_batches_are_sized_so_that_no_activation_exceeds_the_limit(long? limit, int expected)
    {
        using var embedder = NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny").OnDevice("cpu")
            .Configure(o => o.CpuMaxActivationBytes = limit).Build();
        Assert.Equal(expected, embedder.MaxBatchTokens);
    }

    [Fact]
    public void Invalid_options_are_all_reported_when_building()
    {
        var error = Assert.Throws<ValidationException>(() => NucleotideTransformerEmbedder.CreateBuilder()
            .FromPreset("tiny")
            .Configure(o => { o.MaxBatchTokens = 0; o.MaxBatchSize = -1; })
            .Build());
        Assert.Contains(nameof(NucleotideTransformerEmbedderOptions), error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxBatchTokens", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxBatchSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_builder_is_single_use_and_needs_a_model()
    {
        Assert.Throws<InvalidOperationException>(() => NucleotideTransformerEmbedder.CreateBuilder().Build());
        var builder = NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny").OnDevice("cpu");
        builder.Build().Dispose();
        Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Throws<InvalidOperationException>(() => builder.OnDevice("cpu"));
    }

    [Fact]
    public void A_cuda_device_that_does_not_exist_is_named_in_the_error()
    {
        if (TorchSharp.torch.cuda.is_available())
        {
            return;
        }

        var error = Assert.Throws<ModelConfigurationException>(() => NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny").OnDevice("cuda:3").Build());
        Assert.Contains("cuda:3", error.Message, StringComparison.Ordinal);
        Assert.Throws<ModelConfigurationException>(() => NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny").OnDevice("cuda:all").Build());
    }

    [Fact]
    public void Auto_picks_the_cpu_when_no_cuda_device_is_present()
    {
        using var embedder = NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny").Build();
        var expected = TorchSharp.torch.cuda.is_available() ? ComputeDevice.Cuda(0) : ComputeDevice.Cpu;
        Assert.Equal([expected], embedder.Devices);
    }

    [Fact]
    public async Task A_disposed_embedder_refuses_work()
    {
        var embedder = NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny").OnDevice("cpu").Build();
        embedder.Dispose();
        embedder.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => embedder.EmbedAsync(Reads));
    }

    [Fact]
    public async Task Cancellation_stops_the_call()
    {
        using var embedder = NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny").OnDevice("cpu").Build();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => embedder.EmbedAsync(Reads, cancelled.Token));
    }

    [Fact]
    public async Task Streaming_keeps_input_order_across_groups()
    {
        var random = new Random(9);
        var reads = Enumerable.Range(0, 23).Select(i => new SequenceRecord($"s{i}", new string('A', random.Next(1, 200)))).ToArray();
        using var embedder = NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny").OnDevice("cpu")
            .Configure(o => o.StreamingGroupSize = 5).Build();
        var streamed = new List<SequenceEmbedding>();
        await foreach (var embedding in embedder.EmbedAsync(reads.ToAsyncEnumerable()))
        {
            streamed.Add(embedding);
        }

        var batched = await embedder.EmbedAsync(reads);
        Assert.Equal(reads.Select(r => r.Id), streamed.Select(e => e.Id));
        for (var i = 0; i < reads.Length; i++)
        {
            // Different groups batch differently: equal within float rounding.
            var a = batched[i].Vector.Span;
            var b = streamed[i].Vector.Span;
            for (var d = 0; d < a.Length; d++)
            {
                Assert.True(Math.Abs(a[d] - b[d]) <= 1e-5, $"{reads[i].Id}[{d}]: {a[d]} vs {b[d]}");
            }
        }
    }

    [Fact]
    public async Task Streaming_reports_a_bad_record_after_the_groups_before_it_and_survives_an_early_stop()
    {
        var reads = Enumerable.Range(0, 12).Select(i => new SequenceRecord($"s{i}", i == 9 ? "ACGTRY" : "ACGTACGTAA")).ToArray();
        using var embedder = NucleotideTransformerEmbedder.CreateBuilder().FromPreset("tiny").OnDevice("cpu")
            .Configure(o => { o.StreamingGroupSize = 4; o.Tokenizer.StrictNucleotides = true; }).Build();

        var seen = new List<string>();
        var error = await Assert.ThrowsAsync<InvalidSequenceException>(async () =>
        {
            await foreach (var embedding in embedder.EmbedAsync(reads.ToAsyncEnumerable()))
            {
                seen.Add(embedding.Id);
            }
        });
        Assert.Equal("s9", error.RecordId);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"s{i}"), seen); // the two whole groups before the bad one

        await foreach (var embedding in embedder.EmbedAsync(reads.Take(8).ToAsyncEnumerable()))
        {
            Assert.Equal("s0", embedding.Id);
            break;
        }

        Assert.Equal(2, (await embedder.EmbedAsync(reads.Take(2).ToArray())).Count);
    }

    [Fact]
    public async Task Dependency_injection_registers_a_singleton_embedding_model_and_named_ones()
    {
        var services = new ServiceCollection();
        services.AddConnectomics()
            .AddNucleotideTransformer(r => { r.Preset = "tiny"; r.Seed = 3; r.Embedder.Device = DeviceSelection.Cpu; })
            .AddNucleotideTransformer(r => r.Checkpoint = ReferenceFixture.PathOf("v2-tiny"), name: "fixture");
        await using var provider = services.BuildServiceProvider();

        var model = provider.GetRequiredService<IEmbeddingModel>();
        Assert.Same(model, provider.GetRequiredService<IEmbeddingModel>());
        Assert.Equal(128, model.Dimension);
        var named = provider.GetRequiredKeyedService<IEmbeddingModel>("fixture");
        Assert.Equal(64, named.Dimension);
        Assert.Equal("v2-tiny", named.Name);
        Assert.Equal(2, (await named.EmbedAsync(Reads)).Count);

        // The generic model is the same instance, for the default registration and for the named one.
        var generic = provider.GetRequiredService<IEmbeddingModel<SequenceRecord>>();
        Assert.Same(model, generic);
        Assert.Equal(128, generic.Descriptor.Dimension);
        var namedGeneric = provider.GetRequiredKeyedService<IEmbeddingModel<SequenceRecord>>("fixture");
        Assert.Same(named, namedGeneric);
        Assert.Equal("v2-tiny", namedGeneric.Descriptor.Name);
        Assert.Equal(64, (await namedGeneric.EncodeAsync([namedGeneric.Prepare(Reads[0])]))[0].Length);
    }
}
