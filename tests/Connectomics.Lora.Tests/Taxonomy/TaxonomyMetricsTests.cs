using Connectomics.Lora.Taxonomy;

namespace Connectomics.Lora.Tests.Taxonomy;

public sealed class TaxonomyMetricsTests
{
    [Fact]
    public void Accuracy_and_macro_f1_match_hand_computed_values()
    {
        // Kingdom truth a a a b b c, predicted a a b b c c:
        //   a: TP 2, FP 0, FN 1 → F1 = 4/5;  b: TP 1, FP 1, FN 1 → 1/2;  c: TP 1, FP 1, FN 0 → 2/3.
        //   macro = (0.8 + 0.5 + 0.6667) / 3 = 0.65556; accuracy 4/6.
        // (sklearn: f1_score(list("aaabbc"), list("aabbcc"), average="macro") = 0.6555…)
        var metrics = new TaxonomyMetrics();
        string[] truth = ["a", "a", "a", "b", "b", "c"];
        string[] predicted = ["a", "a", "b", "b", "c", "c"];
        for (var i = 0; i < truth.Length; i++)
        {
            metrics.Add(new TaxonomyPath(truth[i]), new TaxonomyPath(predicted[i]));
        }

        var kingdom = metrics.ForRank(TaxonomyRank.Kingdom);
        Assert.Equal(6, kingdom.Count);
        Assert.Equal(4, kingdom.Correct);
        Assert.Equal(4.0 / 6, kingdom.Accuracy, 12);
        Assert.Equal((0.8 + 0.5 + (2.0 / 3)) / 3, kingdom.MacroF1, 12);
        Assert.Equal(3, kingdom.ClassCount);
    }

    [Fact]
    public void Unknown_truth_is_skipped_and_an_unassigned_prediction_is_a_miss_but_no_class()
    {
        // Phylum: row 1 truth x → unassigned (FN of x); row 2 truth missing → skipped although predicted z;
        // row 3 truth x → y (FN x, FP y); row 4 truth y → y (TP y).
        //   x: TP 0, FN 2 → 0;  y: TP 1, FP 1 → 2/3.  macro = 1/3, accuracy 1/3 over 3 rows.
        var metrics = new TaxonomyMetrics();
        metrics.Add(new TaxonomyPath("k", "x"), new TaxonomyPath("k"));
        metrics.Add(new TaxonomyPath("k"), new TaxonomyPath("k", "z"));
        metrics.Add(new TaxonomyPath("k", "x"), new TaxonomyPath("k", "y"));
        metrics.Add(new TaxonomyPath("k", "y"), new TaxonomyPath("k", "y"));
        var phylum = metrics.ForRank(TaxonomyRank.Phylum);
        Assert.Equal(3, phylum.Count);
        Assert.Equal(1, phylum.Unassigned);
        Assert.Equal(2, phylum.ClassCount);
        Assert.Equal(1.0 / 3, phylum.Accuracy, 12);
        Assert.Equal(1.0 / 3, phylum.MacroF1, 12);
        Assert.Equal(1.0, metrics.ForRank(TaxonomyRank.Kingdom).MacroF1);
        Assert.True(double.IsNaN(metrics.ForRank(TaxonomyRank.Species).Accuracy));
        Assert.Equal(4, metrics.Rows);

        metrics.Reset();
        Assert.Equal(0, metrics.ForRank(TaxonomyRank.Kingdom).Count);
    }

    [Fact]
    public void Predictions_are_scored_by_their_assigned_labels()
    {
        var metrics = new TaxonomyMetrics();
        var prediction = new TaxonomyPrediction(Enumerable.Range(0, 7).Select(r => new RankPrediction((TaxonomyRank)r, r < 2 ? $"n{r}" : null, 0.5f)).ToArray());
        metrics.Add(new TaxonomyPath("n0", "n1", "n2"), prediction);
        var scores = metrics.Compute();
        Assert.Equal([1.0, 1.0, 0.0], scores.Take(3).Select(s => s.Accuracy));
        Assert.Equal(1, scores[2].Unassigned);
    }
}
