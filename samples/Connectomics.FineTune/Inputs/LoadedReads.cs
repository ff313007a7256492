using Connectomics.Lora.Taxonomy;
using Connectomics.Samples.Inputs;
using Connectomics.Sequences;

namespace Connectomics.FineTune.Inputs;

/// <summary>The reads of an input, in its order, with each read's taxonomy when it was asked for.</summary>
/// <param name="Records">The reads, sequences upper-cased (soft-masked bases are bases).</param>
/// <param name="Taxonomy">Each read's lineage, in the same order; empty when the taxonomy was not read.</param>
/// <param name="TaxonomyKey">The metadata key of the records that holds the taxonomy string (FASTA:
/// <c>description</c>; Parquet: the taxonomy column).</param>
/// <param name="Format">The input's format.</param>
internal sealed record LoadedReads(IReadOnlyList<SequenceRecord> Records, IReadOnlyList<TaxonomyPath> Taxonomy, string TaxonomyKey, InputFormat Format);
