using Connectomics.Lora.Taxonomy;

namespace Connectomics.Lora.Training;

/// <summary>The names of the taxonomy validation metrics: <c>accuracy/&lt;rank&gt;</c>, <c>macro_f1/&lt;rank&gt;</c>
/// (rank in lower case) and their means over the ranks, <c>accuracy/mean</c> and <c>macro_f1/mean</c>.</summary>
internal static class TaxonomyMetricNames
{
    /// <summary>Gets every name, beside <c>loss</c>.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        .. Enum.GetValues<TaxonomyRank>().Select(Accuracy),
        .. Enum.GetValues<TaxonomyRank>().Select(MacroF1),
        "accuracy/mean",
        "macro_f1/mean",
    ];

    /// <summary>Gets the accuracy metric of a rank.</summary>
    /// <param name="rank">The rank.</param>
    /// <returns><c>accuracy/&lt;rank&gt;</c>.</returns>
    public static string Accuracy(TaxonomyRank rank) => "accuracy/" + rank.ToString().ToLowerInvariant();

    /// <summary>Gets the macro-F1 metric of a rank.</summary>
    /// <param name="rank">The rank.</param>
    /// <returns><c>macro_f1/&lt;rank&gt;</c>.</returns>
    public static string MacroF1(TaxonomyRank rank) => "macro_f1/" + rank.ToString().ToLowerInvariant();
}
