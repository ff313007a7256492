namespace Connectomics.Sequences;

/// <summary>
/// One sequence to process: a stable identifier, the residues, and metadata that travels with it unchanged
/// to the output.
/// </summary>
/// <param name="Id">A stable identifier, unique within its source (a FASTA id, a Parquet id column).</param>
/// <param name="Sequence">The nucleotide (or amino-acid) sequence, as read from the source.</param>
/// <remarks>Instances are immutable and safe to share between threads.</remarks>
public sealed record SequenceRecord(string Id, string Sequence)
{
    /// <summary>Gets the pass-through metadata (column name to value); empty when the source has none.</summary>
    /// <value>The default value is an empty dictionary.</value>
    public IReadOnlyDictionary<string, object?> Metadata { get; init; } = EmptyMetadata;

    private static readonly IReadOnlyDictionary<string, object?> EmptyMetadata =
        new System.Collections.ObjectModel.ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>());
}
