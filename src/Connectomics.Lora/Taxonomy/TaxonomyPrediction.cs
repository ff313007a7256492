namespace Connectomics.Lora.Taxonomy;

/// <summary>The prediction for one read: a label and probability per rank, and optionally the read's embedding.</summary>
/// <remarks>Instances are immutable.</remarks>
public sealed class TaxonomyPrediction
{
    private readonly RankPrediction[] _ranks;

    /// <summary>Initializes a prediction.</summary>
    /// <param name="ranks">Seven rank predictions, kingdom first.</param>
    /// <param name="embedding">The pooled embedding the prediction came from; empty when not kept.</param>
    /// <exception cref="ArgumentException">Not seven ranks in order.</exception>
    public TaxonomyPrediction(IReadOnlyList<RankPrediction> ranks, ReadOnlyMemory<float> embedding = default)
    {
        ArgumentNullException.ThrowIfNull(ranks);
        if (ranks.Count != TaxonomyPath.RankCount)
        {
            throw new ArgumentException($"A prediction has {TaxonomyPath.RankCount} ranks.", nameof(ranks));
        }

        for (var r = 0; r < ranks.Count; r++)
        {
            if ((int)ranks[r].Rank != r)
            {
                throw new ArgumentException($"Rank prediction {r} is for {ranks[r].Rank}, not {(TaxonomyRank)r}.", nameof(ranks));
            }
        }

        _ranks = [.. ranks];
        Embedding = embedding;
    }

    /// <summary>Gets the seven rank predictions, kingdom first.</summary>
    public IReadOnlyList<RankPrediction> Ranks => _ranks;

    /// <summary>Gets the pooled embedding of the read; empty when the predictor was not given it.</summary>
    public ReadOnlyMemory<float> Embedding { get; }

    /// <summary>Gets the prediction at a rank.</summary>
    /// <param name="rank">The rank.</param>
    /// <returns>The rank's prediction.</returns>
    public RankPrediction this[TaxonomyRank rank] => _ranks[TaxonomyPath.RankIndex(rank)];

    /// <summary>Gets the predicted lineage, with unassigned ranks missing.</summary>
    /// <returns>The lineage.</returns>
    public TaxonomyPath ToPath() => new(_ranks.Select(r => r.Label).ToArray());

    /// <summary>Gets the predicted taxonomy string: seven fields joined by <c>;</c>, empty where unassigned.</summary>
    /// <returns>The string.</returns>
    public string ToTaxonomyString() => string.Join(';', _ranks.Select(r => r.Label ?? string.Empty));

    /// <inheritdoc/>
    public override string ToString() => ToTaxonomyString();
}
