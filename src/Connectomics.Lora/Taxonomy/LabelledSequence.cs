namespace Connectomics.Lora.Taxonomy;

/// <summary>A read with its true lineage, for training or evaluating the taxonomy head.</summary>
/// <param name="Id">The read's identifier.</param>
/// <param name="Sequence">The nucleotide sequence.</param>
/// <param name="Taxonomy">The lineage; ranks may be missing.</param>
public sealed record LabelledSequence(string Id, string Sequence, TaxonomyPath Taxonomy);
