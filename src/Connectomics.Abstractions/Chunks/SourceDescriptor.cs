using Connectomics.Stores;

namespace Connectomics.Chunks;

/// <summary>
/// What a chunk source reads and how: its kind, the columns its records carry besides the id, and the settings that
/// decide its output (id and sequence columns, masking). A resumed run compares the settings with those recorded by
/// the run it continues and refuses a difference, naming it.
/// </summary>
/// <param name="Kind">The source's kind: <c>parquet</c>, <c>fasta</c>, <c>fastq</c>, <c>zarr</c>, ….</param>
/// <param name="Columns">The columns each record carries besides its id, with their types, in output order.</param>
/// <param name="Settings">The settings that decide the output, by name; compared on resume.</param>
public sealed record SourceDescriptor(string Kind, IReadOnlyList<RecordColumn> Columns, IReadOnlyDictionary<string, string> Settings)
{
    /// <summary>
    /// Gets a value indicating whether the source guarantees that no two records carry the same id (a volume's block
    /// ids). A pipeline then neither remembers the ids it meets nor reads the done part of the input again on resume to
    /// find repeats.
    /// </summary>
    public bool UniqueIds { get; init; }
}
