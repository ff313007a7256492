namespace Connectomics.Lora.Taxonomy;

/// <summary>
/// Accumulates (true, predicted) lineages and scores each rank by accuracy and macro-F1.
/// </summary>
/// <remarks>
/// <para>
/// At each rank, a row counts only when its true name is known; a row whose truth is missing at that rank is skipped
/// there (its prediction too). An unassigned prediction counts as wrong. Labels are compared by name, so a true name
/// never seen in training is simply never predicted.
/// </para>
/// <para>
/// Macro-F1 is the unweighted mean, over the classes that occur as a true label or as an assigned predicted label
/// among the counted rows, of F1 = 2·TP / (2·TP + FP + FN). An unassigned prediction is a false negative of the true
/// class and a class of its own in no case. This equals scikit-learn's
/// <c>f1_score(y_true, y_pred, labels=L, average="macro")</c> with <c>L</c> that union of labels (and, with no
/// unassigned predictions, its default <c>labels=None</c>).
/// </para>
/// <para>Not thread-safe: one instance per evaluation loop.</para>
/// </remarks>
public sealed class TaxonomyMetrics
{
    private readonly RankState[] _ranks = Enumerable.Range(0, TaxonomyPath.RankCount).Select(_ => new RankState()).ToArray();

    /// <summary>Gets the number of rows added.</summary>
    public long Rows { get; private set; }

    /// <summary>Adds one read's true and predicted lineages.</summary>
    /// <param name="truth">The true lineage; missing ranks are not scored.</param>
    /// <param name="predicted">The predicted lineage; missing ranks are unassigned.</param>
    public void Add(TaxonomyPath truth, TaxonomyPath predicted)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        Rows++;
        for (var r = 0; r < TaxonomyPath.RankCount; r++)
        {
            var expected = truth.Names[r];
            if (expected is not null)
            {
                _ranks[r].Add(expected, predicted.Names[r]);
            }
        }
    }

    /// <summary>Adds one read's true lineage and its prediction.</summary>
    /// <param name="truth">The true lineage; missing ranks are not scored.</param>
    /// <param name="prediction">The prediction; unassigned ranks count as wrong.</param>
    public void Add(TaxonomyPath truth, TaxonomyPrediction prediction)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        Add(truth, prediction.ToPath());
    }

    /// <summary>Scores one rank.</summary>
    /// <param name="rank">The rank.</param>
    /// <returns>The rank's scores.</returns>
    public RankMetrics ForRank(TaxonomyRank rank) => _ranks[TaxonomyPath.RankIndex(rank)].Score(rank);

    /// <summary>Scores every rank.</summary>
    /// <returns>Seven scores, kingdom first.</returns>
    public IReadOnlyList<RankMetrics> Compute() => Enumerable.Range(0, TaxonomyPath.RankCount).Select(r => ForRank((TaxonomyRank)r)).ToArray();

    /// <summary>Forgets every row added.</summary>
    public void Reset()
    {
        Rows = 0;
        foreach (var rank in _ranks)
        {
            rank.Clear();
        }
    }

    private sealed class RankState
    {
        private readonly Dictionary<string, ClassCounts> _classes = new(StringComparer.Ordinal);
        private long _count;
        private long _correct;
        private long _unassigned;

        public void Add(string expected, string? predicted)
        {
            _count++;
            if (predicted is null)
            {
                _unassigned++;
                Counts(expected).FalseNegatives++;
            }
            else if (string.Equals(expected, predicted, StringComparison.Ordinal))
            {
                _correct++;
                Counts(expected).TruePositives++;
            }
            else
            {
                Counts(expected).FalseNegatives++;
                Counts(predicted).FalsePositives++;
            }
        }

        public RankMetrics Score(TaxonomyRank rank)
        {
            if (_count == 0)
            {
                return new RankMetrics(rank, 0, 0, 0, 0, double.NaN, double.NaN);
            }

            var f1Sum = 0.0;
            foreach (var counts in _classes.Values)
            {
                var denominator = (2.0 * counts.TruePositives) + counts.FalsePositives + counts.FalseNegatives;
                f1Sum += denominator == 0 ? 0 : 2.0 * counts.TruePositives / denominator;
            }

            return new RankMetrics(rank, _count, _correct, _unassigned, _classes.Count, (double)_correct / _count, f1Sum / _classes.Count);
        }

        public void Clear()
        {
            _classes.Clear();
            _count = 0;
            _correct = 0;
            _unassigned = 0;
        }

        private ClassCounts Counts(string label)
        {
            if (!_classes.TryGetValue(label, out var counts))
            {
                counts = new ClassCounts();
                _classes.Add(label, counts);
            }

            return counts;
        }
    }

    private sealed class ClassCounts
    {
        public long TruePositives { get; set; }

        public long FalsePositives { get; set; }

        public long FalseNegatives { get; set; }
    }
}
