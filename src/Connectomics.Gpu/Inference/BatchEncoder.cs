using Connectomics.Gpu.Models;
using Connectomics.TorchScalars;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Inference;

/// <summary>Runs one padded batch through the encoder and pools it, releasing every native tensor it made.</summary>
internal static class BatchEncoder
{
    private static readonly Scalar PaddingValue = float.NegativeInfinity.ToScalar();

    /// <summary>Encodes and pools token windows.</summary>
    /// <param name="model">The encoder, on <paramref name="device"/>.</param>
    /// <param name="device">Where the model lives.</param>
    /// <param name="windows">Token windows, CLS included.</param>
    /// <param name="pooling">How tokens become one vector.</param>
    /// <returns>One float32 vector per window.</returns>
    public static float[][] EncodeAndPool(EsmEncoderModel model, Device device, IReadOnlyList<int[]> windows, EmbeddingPooling pooling)
    {
        var batch = windows.Count;
        var length = windows.Max(w => w.Length);
        var ids = new long[batch * length];
        var mask = new long[batch * length];
        Array.Fill(ids, model.Config.PadTokenId);
        for (var b = 0; b < batch; b++)
        {
            var window = windows[b];
            for (var t = 0; t < window.Length; t++)
            {
                ids[(b * length) + t] = window[t];
                mask[(b * length) + t] = 1;
            }
        }

        using var inference = torch.inference_mode();
        using var scope = torch.NewDisposeScope();
        var idTensor = torch.tensor(ids, [batch, length]).to(device);
        var maskTensor = torch.tensor(mask, [batch, length]).to(device);
        var hidden = model.forward(idTensor, maskTensor);
        var pooled = Pool(hidden, maskTensor, pooling).to(ScalarType.Float32).cpu().contiguous();
        var flat = pooled.data<float>().ToArray();
        var dimension = (int)pooled.shape[1];
        var vectors = new float[batch][];
        for (var b = 0; b < batch; b++)
        {
            vectors[b] = flat.AsSpan(b * dimension, dimension).ToArray();
        }

        return vectors;
    }

    private static Tensor Pool(Tensor hidden, Tensor mask, EmbeddingPooling pooling)
    {
        var weights = mask.unsqueeze(-1).to(hidden.dtype);
        return pooling switch
        {
            EmbeddingPooling.Mean => (hidden * weights).sum(1) / weights.sum(1),
            EmbeddingPooling.Cls => hidden.select(1, 0),
            EmbeddingPooling.Max => hidden.masked_fill(weights.eq(ScalarConstants.Zero), PaddingValue).amax([1]),
            _ => throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "Unknown pooling."),
        };
    }
}
