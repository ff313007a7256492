using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Models;
using Connectomics.Gpu.Runtime;
using TorchSharp;

namespace Connectomics.Gpu.Tests.Inference;

/// <summary>Every native tensor a batch creates is released by the time the batch returns.</summary>
public sealed class NativeMemoryTests
{
    public NativeMemoryTests() => TorchRuntime.EnsureApplied();

    [Theory]
    [InlineData(AttentionImplementation.ScaledDotProduct)]
    [InlineData(AttentionImplementation.Eager)]
    public void Encoding_batches_leaves_no_live_tensor_behind(AttentionImplementation attention)
    {
        using var model = new EsmEncoderModel(NucleotideTransformerPresets.Tiny, attention);
        model.InitializeWeights(1);
        model.eval();
        var random = new Random(4);
        int[][] Batch() => Enumerable.Range(0, 8)
            .Select(_ => new[] { 3 }.Concat(Enumerable.Range(0, random.Next(1, 60)).Select(_ => random.Next(6, 4107))).ToArray())
            .ToArray();

        BatchEncoder.EncodeAndPool(model, torch.CPU, Batch(), EmbeddingPooling.Mean);
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        foreach (var pooling in Enumerable.Repeat(Enum.GetValues<EmbeddingPooling>(), 20).SelectMany(p => p))
        {
            var vectors = BatchEncoder.EncodeAndPool(model, torch.CPU, Batch(), pooling);
            Assert.Equal(8, vectors.Length);
        }

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
