namespace Connectomics.Chunks;

/// <summary>
/// A record a source or a pipeline could not use, with where it came from and why: the unit and offset, the file,
/// row and column where one applies. A pipeline quarantines it or fails on it, by policy.
/// </summary>
/// <param name="UnitKey">The key of the unit the record belongs to.</param>
/// <param name="Offset">The record's place in the unit (0-based).</param>
/// <param name="RecordId">The record's id, when it has one.</param>
/// <param name="Reason">Why the record was rejected, in words.</param>
public sealed record RejectedRecord(string UnitKey, long Offset, string? RecordId, string Reason)
{
    /// <summary>Gets the input file, relative to the input root, when the record came from one.</summary>
    public string? File { get; init; }

    /// <summary>Gets the row (or line) in <see cref="File"/>, 1-based for lines and 0-based for Parquet rows, when known.</summary>
    public long? Row { get; init; }

    /// <summary>Gets the column (or field) at fault, when one is.</summary>
    public string? Column { get; init; }

    /// <summary>Gets the record's content as read, when there is any (the sequence of a bad read, say).</summary>
    public string? Content { get; init; }
}
