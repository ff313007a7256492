using Connectomics.Gpu.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Tests.Peft;

/// <summary>What the encoder gives for a batch of reads: per read the mean-pooled vector (CLS included, as the NT model
/// cards pool), the CLS vector and the last hidden state of each real token.</summary>
internal sealed record EncodedReads(float[][] Mean, float[][] Cls, float[][][] Hidden)
{
    /// <summary>Runs <paramref name="model"/> without gradients on one right-padded batch of the given token ids.</summary>
    public static EncodedReads Compute(NucleotideTransformerModel model, IReadOnlyList<long[]> inputIds)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var length = inputIds.Max(i => i.Length);
        var ids = new long[inputIds.Count * length];
        var mask = new long[ids.Length];
        Array.Fill(ids, model.Config.PadTokenId);
        for (var row = 0; row < inputIds.Count; row++)
        {
            for (var t = 0; t < inputIds[row].Length; t++)
            {
                ids[(row * length) + t] = inputIds[row][t];
                mask[(row * length) + t] = 1;
            }
        }

        var idTensor = torch.tensor(ids, [inputIds.Count, length]);
        var maskTensor = torch.tensor(mask, [inputIds.Count, length]);
        var hidden = model.Encode(idTensor, maskTensor);
        var weights = maskTensor.unsqueeze(-1).to(ScalarType.Float32);
        var mean = (hidden * weights).sum(1) / weights.sum(1);
        var cls = hidden[.., 0, ..];

        var means = new float[inputIds.Count][];
        var clss = new float[inputIds.Count][];
        var states = new float[inputIds.Count][][];
        for (var row = 0; row < inputIds.Count; row++)
        {
            means[row] = mean[row].data<float>().ToArray();
            clss[row] = cls[row].data<float>().ToArray();
            states[row] = [.. Enumerable.Range(0, inputIds[row].Length).Select(t => hidden[row, t].data<float>().ToArray())];
        }

        return new EncodedReads(means, clss, states);
    }

    /// <summary>The largest absolute difference between two equally shaped vectors.</summary>
    public static double MaxAbsDifference(IReadOnlyList<float> expected, IReadOnlyList<float> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        var worst = 0.0;
        for (var i = 0; i < expected.Count; i++)
        {
            worst = Math.Max(worst, Math.Abs((double)expected[i] - actual[i]));
        }

        return worst;
    }

    /// <summary>The largest absolute difference over every pooled vector and every token's hidden state.</summary>
    public double MaxAbsDifference(EncodedReads other)
    {
        var worst = 0.0;
        for (var row = 0; row < Mean.Length; row++)
        {
            worst = Math.Max(worst, MaxAbsDifference(Mean[row], other.Mean[row]));
            worst = Math.Max(worst, MaxAbsDifference(Cls[row], other.Cls[row]));
            for (var t = 0; t < Hidden[row].Length; t++)
            {
                worst = Math.Max(worst, MaxAbsDifference(Hidden[row][t], other.Hidden[row][t]));
            }
        }

        return worst;
    }
}
