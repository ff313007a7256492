namespace Connectomics.Lora.Taxonomy.Baselines;

/// <summary>A baseline classifier's answer for one read.</summary>
/// <param name="Lineage">The predicted lineage (ranks below a confidence floor missing).</param>
/// <param name="Confidence">The confidence per rank, kingdom first, in [0, 1].</param>
internal sealed record BaselinePrediction(TaxonomyPath Lineage, IReadOnlyList<double> Confidence);
