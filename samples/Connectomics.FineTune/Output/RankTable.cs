using System.Globalization;
using Connectomics.Lora.Taxonomy;

namespace Connectomics.FineTune.Output;

/// <summary>Per-rank accuracy and macro-F1 beside the chance level, one line per rank.</summary>
internal static class RankTable
{
    /// <summary>Writes the table.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="title">The line above the table.</param>
    /// <param name="accuracy">Per-rank accuracy, kingdom first (NaN where unknown).</param>
    /// <param name="macroF1">Per-rank macro-F1, kingdom first (NaN where unknown).</param>
    /// <param name="chance">Per-rank chance level, kingdom first (NaN where unknown).</param>
    public static void Write(TextWriter writer, string title, IReadOnlyList<double> accuracy, IReadOnlyList<double> macroF1, IReadOnlyList<double> chance)
    {
        writer.WriteLine(title);
        writer.WriteLine("  rank      accuracy  macro-F1  chance (most frequent label)");
        for (var r = 0; r < TaxonomyPath.RankCount; r++)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {((TaxonomyRank)r).ToString().ToLowerInvariant(),-8}  {Cell(accuracy[r]),8}  {Cell(macroF1[r]),8}  {Cell(chance[r]),6}"));
        }
    }

    /// <summary>Writes the table of a training run's validation metrics (<c>accuracy/&lt;rank&gt;</c>, <c>macro_f1/&lt;rank&gt;</c>).</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="title">The line above the table.</param>
    /// <param name="metrics">The metrics by name.</param>
    /// <param name="chance">Per-rank chance level.</param>
    public static void WriteValidation(TextWriter writer, string title, IReadOnlyDictionary<string, double> metrics, IReadOnlyList<double> chance)
    {
        var ranks = Enum.GetValues<TaxonomyRank>();
        Write(
            writer,
            title,
            [.. ranks.Select(r => metrics.GetValueOrDefault("accuracy/" + r.ToString().ToLowerInvariant(), double.NaN))],
            [.. ranks.Select(r => metrics.GetValueOrDefault("macro_f1/" + r.ToString().ToLowerInvariant(), double.NaN))],
            chance);
    }

    /// <summary>Writes the table of predictions scored against the reads' own taxonomy.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="title">The line above the table.</param>
    /// <param name="metrics">The per-rank scores.</param>
    /// <param name="chance">Per-rank chance level.</param>
    public static void WriteScores(TextWriter writer, string title, IReadOnlyList<RankMetrics> metrics, IReadOnlyList<double> chance) =>
        Write(
            writer,
            title,
            [.. metrics.Select(m => m.Count == 0 ? double.NaN : m.Accuracy)],
            [.. metrics.Select(m => m.Count == 0 ? double.NaN : m.MacroF1)],
            chance);

    private static string Cell(double value) => double.IsNaN(value) ? "-" : value.ToString("F4", CultureInfo.InvariantCulture);
}
