using System.Globalization;
using Connectomics.Gpu.Runtime;
using Connectomics.TorchScalars;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Taxonomy;

/// <summary>
/// The training loss of the taxonomy head: Σ_r w_r · CE_r, where CE_r is the mean cross-entropy of rank r's logits
/// over the rows whose rank-r label is not <see cref="TaxonomyLabels.IgnoreIndex"/>. A rank with no labelled row in
/// the batch, with no labels at all, or with weight 0 contributes 0 (never NaN).
/// </summary>
/// <remarks>The computation never reads a value back to the host, so it does not stall a GPU.</remarks>
public static class TaxonomyLoss
{
    /// <summary>Computes the weighted loss.</summary>
    /// <param name="logits">Seven logits tensors [B, n_r], kingdom first (as <see cref="TaxonomyHead"/> gives them).</param>
    /// <param name="labels">The labels [B, 7] (int64), <see cref="TaxonomyLabels.IgnoreIndex"/> where unknown.</param>
    /// <param name="weights">The rank weights.</param>
    /// <returns>A scalar float32 tensor on the logits' device; differentiable.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit together.</exception>
    public static Tensor Compute(Tensor[] logits, Tensor labels, RankWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var perRank = ComputePerRank(logits, labels);
        try
        {
            using var scope = torch.NewDisposeScope();
            Tensor total = torch.zeros([], ScalarType.Float32, device: logits[0].device);
            for (var r = 0; r < TaxonomyPath.RankCount; r++)
            {
                var weight = weights[(TaxonomyRank)r];
                if (weight != 0)
                {
                    using var rankWeight = weight.ToScalar();
                    total = total.add(perRank[r].to(ScalarType.Float32).mul(rankWeight), ScalarConstants.One);
                }
            }

            return total.MoveToOuterDisposeScope();
        }
        finally
        {
            foreach (var tensor in perRank)
            {
                tensor.Dispose();
            }
        }
    }

    /// <summary>Computes each rank's unweighted mean cross-entropy over its labelled rows (0 when it has none).</summary>
    /// <param name="logits">Seven logits tensors [B, n_r], kingdom first.</param>
    /// <param name="labels">The labels [B, 7] (int64), <see cref="TaxonomyLabels.IgnoreIndex"/> where unknown.</param>
    /// <returns>Seven scalar tensors, kingdom first; the caller owns them.</returns>
    /// <exception cref="ArgumentException">The shapes do not fit together.</exception>
    public static Tensor[] ComputePerRank(Tensor[] logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (logits.Length != TaxonomyPath.RankCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The taxonomy loss takes {TaxonomyPath.RankCount} logits tensors, one per rank, not {logits.Length}."), nameof(logits));
        }

        if (labels.dim() != 2 || labels.shape[1] != TaxonomyPath.RankCount || labels.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"The taxonomy labels must be an int64 tensor [B, {TaxonomyPath.RankCount}], not {labels.dtype} [{string.Join(", ", labels.shape)}].", nameof(labels));
        }

        var batch = labels.shape[0];
        for (var r = 0; r < logits.Length; r++)
        {
            ArgumentNullException.ThrowIfNull(logits[r], nameof(logits));
            if (logits[r].dim() != 2 || logits[r].shape[0] != batch)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The {TaxonomyLabels.RankName((TaxonomyRank)r)} logits must be [{batch}, n], not [{string.Join(", ", logits[r].shape)}]."), nameof(logits));
            }
        }

        TorchRuntime.EnsureApplied();
        var result = new Tensor[TaxonomyPath.RankCount];
        using var scope = torch.NewDisposeScope();
        var target = labels.to(logits[0].device);
        for (var r = 0; r < TaxonomyPath.RankCount; r++)
        {
            if (logits[r].shape[1] == 0)
            {
                // No class at this rank: every label must be unknown, and there is nothing to learn.
                result[r] = torch.zeros([], ScalarType.Float32, device: logits[r].device).MoveToOuterDisposeScope();
                continue;
            }

            var rankLabels = target.select(1, r);
            var sum = nn.functional.cross_entropy(logits[r], rankLabels, ignore_index: TaxonomyLabels.IgnoreIndex, reduction: nn.Reduction.Sum);
            using var ignoreIndex = TaxonomyLabels.IgnoreIndex.ToScalar();
            var count = rankLabels.ne(ignoreIndex).sum().to(sum.dtype).clamp_min(ScalarConstants.OneDouble);
            result[r] = (sum / count).MoveToOuterDisposeScope();
        }

        return result;
    }
}
