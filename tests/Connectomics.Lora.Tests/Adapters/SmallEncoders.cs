using Connectomics.Gpu.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Tests.Adapters;

/// <summary>Encoders small enough for unit tests, and a padded batch for them.</summary>
internal static class SmallEncoders
{
    /// <summary>A v2-shaped (rotary, gated feed-forward, no FFN biases) encoder: H 32, 3 layers.</summary>
    public static EsmConfig V2 { get; } = NucleotideTransformerPresets.Tiny with { HiddenSize = 32, NumHiddenLayers = 3, NumAttentionHeads = 4, IntermediateSize = 48 };

    /// <summary>A v1-shaped (absolute positions, GELU feed-forward with biases) encoder: H 24, 2 layers.</summary>
    public static EsmConfig V1 { get; } = NucleotideTransformerPresets.Human500m with { HiddenSize = 24, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 40, MaxPositionEmbeddings = 66 };

    public static NucleotideTransformerModel Create(EsmConfig? config = null, long seed = 11, bool withHead = false) =>
        NucleotideTransformerModel.FromConfig(config ?? V2, seed, withHead);

    /// <summary>Two reads of 9 and 6 tokens, right-padded.</summary>
    public static (Tensor Ids, Tensor Mask) Batch()
    {
        var ids = torch.tensor(new long[] { 3, 10, 57, 900, 4000, 12, 13, 2, 333, 3, 44, 5, 1200, 77, 8, 1, 1, 1 }).view(2, 9);
        var mask = ids.ne(1).to(ScalarType.Int64);
        return (ids, mask);
    }

    /// <summary>Encodes the batch without recording gradients.</summary>
    public static Tensor Encode(NucleotideTransformerModel model)
    {
        var (ids, mask) = Batch();
        using (ids)
        using (mask)
        using (torch.no_grad())
        {
            return model.Encode(ids, mask);
        }
    }

    /// <summary>Gives every B a non-zero value, as training would, so that the adapters change the outputs.</summary>
    public static void Perturb(IEnumerable<(string Name, TorchSharp.Modules.Parameter Parameter)> parameters, long seed = 5)
    {
        using var generator = new Generator((ulong)seed);
        using (torch.no_grad())
        {
            foreach (var (name, parameter) in parameters)
            {
                if (name.EndsWith("lora_B.weight", StringComparison.Ordinal))
                {
                    parameter.normal_(0, 0.2, generator);
                }
            }
        }
    }

    /// <summary>Whether two tensors hold exactly the same values.</summary>
    public static bool Identical(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.allclose(b, rtol: 0, atol: 0);

    public static double MaxAbsDifference(Tensor a, Tensor b)
    {
        using var difference = (a - b).abs().max();
        return difference.item<float>();
    }
}
