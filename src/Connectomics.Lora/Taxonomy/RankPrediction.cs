namespace Connectomics.Lora.Taxonomy;

/// <summary>The prediction at one rank: the chosen label, or none, and the model's probability for it.</summary>
/// <param name="Rank">The rank.</param>
/// <param name="Label">The predicted name, or <see langword="null"/> when the rank is unassigned.</param>
/// <param name="Probability">
/// The softmax probability (over all labels of the rank) of the label chosen before any threshold applied; 0 when
/// no label could be chosen (a rank without labels, or no child of the parent chosen above).
/// </param>
public readonly record struct RankPrediction(TaxonomyRank Rank, string? Label, float Probability)
{
    /// <summary>Gets a value indicating whether a label was assigned.</summary>
    public bool IsAssigned => Label is not null;
}
