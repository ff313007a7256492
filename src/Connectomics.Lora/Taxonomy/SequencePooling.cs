using Connectomics.Gpu.Runtime;
using Connectomics.TorchScalars;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Taxonomy;

/// <summary>Turns an encoder's per-token hidden states into one vector per read, as the embedder does by default.</summary>
public static class SequencePooling
{
    /// <summary>
    /// The mean over every real token, CLS included (the embedder's <c>Mean</c> pooling and the NT model cards'):
    /// Σ_t mask[b,t]·hidden[b,t,:] / Σ_t mask[b,t]. A row without any real token pools to zeros instead of NaN.
    /// </summary>
    /// <param name="hidden">The hidden states [B, S, H].</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding [B, S] (any numeric dtype).</param>
    /// <returns>The pooled vectors [B, H], in the dtype of <paramref name="hidden"/>; differentiable.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit together.</exception>
    public static Tensor MaskedMean(Tensor hidden, Tensor attentionMask)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(attentionMask);
        if (hidden.dim() != 3 || attentionMask.dim() != 2 || hidden.shape[0] != attentionMask.shape[0] || hidden.shape[1] != attentionMask.shape[1])
        {
            throw new ArgumentException($"Masked mean pooling needs hidden states [B, S, H] and a mask [B, S]; got [{string.Join(", ", hidden.shape)}] and [{string.Join(", ", attentionMask.shape)}].", nameof(attentionMask));
        }

        TorchRuntime.EnsureApplied();
        using var scope = torch.NewDisposeScope();
        var weights = attentionMask.to(hidden.dtype).unsqueeze(-1);
        var sum = (hidden * weights).sum(1);
        var count = weights.sum(1).clamp_min(ScalarConstants.OneDouble);
        return (sum / count).MoveToOuterDisposeScope();
    }
}
