using Connectomics.Lora.Taxonomy;

namespace Connectomics.FineTune.Output;

/// <summary>The accuracy of guessing without looking at the read: always answering a rank's most frequent label.</summary>
internal static class ChanceLevel
{
    /// <summary>Returns, per rank, the share of the labelled reads that carry the rank's most frequent label (NaN
    /// for a rank no read names).</summary>
    /// <param name="lineages">The reads' lineages.</param>
    /// <returns>Seven shares, kingdom first.</returns>
    public static double[] Of(IEnumerable<TaxonomyPath> lineages)
    {
        var counts = Enumerable.Range(0, TaxonomyPath.RankCount).Select(_ => new Dictionary<string, int>(StringComparer.Ordinal)).ToArray();
        foreach (var lineage in lineages)
        {
            for (var r = 0; r < TaxonomyPath.RankCount; r++)
            {
                if (lineage.Names[r] is { } name)
                {
                    counts[r][name] = counts[r].GetValueOrDefault(name) + 1;
                }
            }
        }

        return [.. counts.Select(c => c.Count == 0 ? double.NaN : (double)c.Values.Max() / c.Values.Sum())];
    }
}
