using System.Globalization;
using Connectomics.Gpu.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Taxonomy;

/// <summary>
/// Turns the head's logits into per-read predictions: at each rank a label and its softmax probability, either
/// independently per rank or top-down along the label tree (<see cref="TaxonomyPredictorOptions.Hierarchical"/>),
/// with ranks below a confidence threshold left unassigned (<see cref="TaxonomyPredictorOptions.MinConfidence"/>).
/// </summary>
/// <remarks>Stateless after construction and safe to share between threads.</remarks>
public sealed class TaxonomyPredictor
{
    private readonly TaxonomyLabels _labels;
    private readonly bool _hierarchical;
    private readonly double _minConfidence;

    /// <summary>Initializes a predictor.</summary>
    /// <param name="labels">The labels the head was trained on.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    public TaxonomyPredictor(TaxonomyLabels labels, TaxonomyPredictorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        _labels = labels;
        options ??= new TaxonomyPredictorOptions();
        _hierarchical = options.Hierarchical;
        _minConfidence = options.MinConfidence;
    }

    /// <summary>Predicts from logits.</summary>
    /// <param name="logits">Seven logits tensors [B, n_r], kingdom first, on any device.</param>
    /// <param name="pooled">The pooled embeddings [B, H] to attach to the predictions, or <see langword="null"/>.</param>
    /// <returns>One prediction per row.</returns>
    /// <exception cref="ArgumentException">The logits do not fit the labels.</exception>
    public IReadOnlyList<TaxonomyPrediction> Predict(Tensor[] logits, Tensor? pooled = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Length != TaxonomyPath.RankCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Prediction takes {TaxonomyPath.RankCount} logits tensors, not {logits.Length}."), nameof(logits));
        }

        TorchRuntime.EnsureApplied();
        var batch = -1L;
        var probabilities = new float[TaxonomyPath.RankCount][];
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            for (var r = 0; r < TaxonomyPath.RankCount; r++)
            {
                var rank = (TaxonomyRank)r;
                var tensor = logits[r];
                ArgumentNullException.ThrowIfNull(tensor, nameof(logits));
                if (tensor.dim() != 2 || tensor.shape[1] != _labels.CountAt(rank) || (batch >= 0 && tensor.shape[0] != batch))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The {TaxonomyLabels.RankName(rank)} logits are [{string.Join(", ", tensor.shape)}]; the labels have {_labels.CountAt(rank)} at that rank."), nameof(logits));
                }

                batch = tensor.shape[0];
                probabilities[r] = tensor.shape[1] == 0
                    ? []
                    : tensor.to(ScalarType.Float32).softmax(1).cpu().contiguous().data<float>().ToArray();
            }
        }

        float[]? embeddings = null;
        var hidden = 0;
        if (pooled is not null)
        {
            if (pooled.dim() != 2 || pooled.shape[0] != batch)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The pooled embeddings must be [{batch}, H], not [{string.Join(", ", pooled.shape)}]."), nameof(pooled));
            }

            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            hidden = (int)pooled.shape[1];
            embeddings = pooled.to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        }

        var predictions = new TaxonomyPrediction[batch];
        var rows = new ReadOnlyMemory<float>[TaxonomyPath.RankCount];
        for (var b = 0; b < batch; b++)
        {
            for (var r = 0; r < TaxonomyPath.RankCount; r++)
            {
                var count = _labels.CountAt((TaxonomyRank)r);
                rows[r] = probabilities[r].AsMemory(b * count, count);
            }

            var embedding = embeddings is null ? ReadOnlyMemory<float>.Empty : embeddings.AsMemory(b * hidden, hidden);
            predictions[b] = Predict(rows, embedding);
        }

        return predictions;
    }

    /// <summary>Predicts one read from its per-rank probabilities.</summary>
    /// <param name="probabilities">Seven probability vectors, kingdom first, each as long as the rank's labels.</param>
    /// <param name="embedding">The read's embedding to attach, or empty.</param>
    /// <returns>The prediction.</returns>
    /// <exception cref="ArgumentException">A vector's length does not fit the labels.</exception>
    public TaxonomyPrediction Predict(IReadOnlyList<ReadOnlyMemory<float>> probabilities, ReadOnlyMemory<float> embedding = default)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (probabilities.Count != TaxonomyPath.RankCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Prediction takes {TaxonomyPath.RankCount} probability vectors, not {probabilities.Count}."), nameof(probabilities));
        }

        var ranks = new RankPrediction[TaxonomyPath.RankCount];
        var assigning = true;
        var parent = -1;
        for (var r = 0; r < TaxonomyPath.RankCount; r++)
        {
            var rank = (TaxonomyRank)r;
            var p = probabilities[r].Span;
            if (p.Length != _labels.CountAt(rank))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The {TaxonomyLabels.RankName(rank)} probabilities have {p.Length} entries; the labels have {_labels.CountAt(rank)}."), nameof(probabilities));
            }

            var best = -1;
            if (!_hierarchical || r == 0)
            {
                best = ArgMax(p);
            }
            else if (parent >= 0)
            {
                foreach (var child in _labels.ChildrenOf((TaxonomyRank)(r - 1), parent))
                {
                    if (best < 0 || p[child] > p[best])
                    {
                        best = child;
                    }
                }
            }

            if (best < 0)
            {
                // No label to choose: in hierarchical mode nothing below can be chosen either; otherwise only this
                // rank (one that training never named) stays empty.
                ranks[r] = new RankPrediction(rank, null, 0f);
                assigning &= !_hierarchical;
                parent = -1;
                continue;
            }

            var probability = p[best];
            if (probability < _minConfidence)
            {
                assigning = false;
            }

            ranks[r] = new RankPrediction(rank, assigning ? _labels.NameOf(rank, best) : null, probability);
            parent = assigning ? best : -1;
        }

        return new TaxonomyPrediction(ranks, embedding);
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = -1;
        for (var i = 0; i < values.Length; i++)
        {
            if (best < 0 || values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
