using Connectomics.TorchScalars;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary>The key mask of a padded batch in the two forms attention needs, built once per batch.</summary>
internal sealed class AttentionMask
{
    private static readonly Scalar PaddingScore = float.MinValue.ToScalar();

    /// <summary>Builds the masks from a [B, S] mask of ones (real tokens) and zeros (padding).</summary>
    /// <param name="attentionMask">The mask (int64).</param>
    public AttentionMask(Tensor attentionMask)
    {
        var keys = attentionMask.unsqueeze(1).unsqueeze(1);
        Boolean = keys.to(ScalarType.Bool);
        // (1 - keys) * float.MinValue, with 1 - keys computed as TorchSharp's operator does: -keys + 1.
        Additive = keys.to(ScalarType.Float32).negative().add(ScalarConstants.OneSingle, ScalarConstants.One).mul(PaddingScore);
    }

    /// <summary>Wraps masks built earlier by the other constructor (a layer recomputed for gradient checkpointing gets
    /// the tensors that its forward pass saw).</summary>
    /// <param name="boolean">The [B, 1, 1, S] boolean mask.</param>
    /// <param name="additive">The [B, 1, 1, S] additive mask.</param>
    public AttentionMask(Tensor boolean, Tensor additive)
    {
        Boolean = boolean;
        Additive = additive;
    }

    /// <summary>Gets the [B, 1, 1, S] mask that is <see langword="true"/> where a key takes part.</summary>
    public Tensor Boolean { get; }

    /// <summary>Gets the [B, 1, 1, S] float mask added to the scores: 0 for real keys, float.MinValue for padding.</summary>
    public Tensor Additive { get; }
}
