namespace Connectomics.Lora.Taxonomy;

/// <summary>The scores of one rank over the rows whose true label at that rank is known.</summary>
/// <param name="Rank">The rank.</param>
/// <param name="Count">The rows scored (true label known).</param>
/// <param name="Correct">The rows whose predicted label equals the true one.</param>
/// <param name="Unassigned">The scored rows the prediction left unassigned (counted as wrong).</param>
/// <param name="ClassCount">The classes the macro average runs over: true labels and assigned predicted labels.</param>
/// <param name="Accuracy">Correct / Count; NaN when no row was scored.</param>
/// <param name="MacroF1">The unweighted mean of the per-class F1 scores; NaN when no row was scored.</param>
public readonly record struct RankMetrics(TaxonomyRank Rank, long Count, long Correct, long Unassigned, int ClassCount, double Accuracy, double MacroF1);
