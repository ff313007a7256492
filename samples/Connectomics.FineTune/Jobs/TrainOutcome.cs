namespace Connectomics.FineTune.Jobs;

/// <summary>What <c>train</c> ended with: its steps, the validation metrics of the epoch it kept, and the chance level
/// per rank they compare with.</summary>
/// <param name="Steps">The optimizer steps taken.</param>
/// <param name="Validation">The kept epoch's validation metrics by name (empty without validation).</param>
/// <param name="Chance">Per-rank chance level, kingdom first.</param>
internal sealed record TrainOutcome(long Steps, IReadOnlyDictionary<string, double> Validation, IReadOnlyList<double> Chance);
