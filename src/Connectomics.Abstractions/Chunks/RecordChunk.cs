namespace Connectomics.Chunks;

/// <summary>
/// Consecutive records of one work unit, starting <see cref="Offset"/> records into it. A chunk counts the records
/// the source rejected as well as those it yields, so <see cref="Next"/> is where the following chunk starts.
/// </summary>
/// <typeparam name="TRecord">The record type (a sequence read, a 3-D block).</typeparam>
public sealed record RecordChunk<TRecord>
{
    /// <summary>Initializes a chunk.</summary>
    /// <param name="unit">The unit the records come from.</param>
    /// <param name="offset">The place of the chunk's first record (yielded or rejected) in the unit.</param>
    /// <param name="count">The number of records the chunk covers, yielded and rejected.</param>
    /// <param name="records">The usable records, in input order.</param>
    /// <param name="rejected">The records the source could not make, in input order.</param>
    /// <param name="endOfUnit">Whether the chunk ends the unit.</param>
    public RecordChunk(WorkUnit unit, long offset, int count, IReadOnlyList<TRecord> records, IReadOnlyList<RejectedRecord> rejected, bool endOfUnit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(rejected);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (count != records.Count + rejected.Count)
        {
            throw new ArgumentException($"A chunk of {count} records holds {records.Count} usable and {rejected.Count} rejected ones.", nameof(count));
        }

        Unit = unit;
        Offset = offset;
        Count = count;
        Records = records;
        Rejected = rejected;
        EndOfUnit = endOfUnit;
    }

    /// <summary>Gets the unit the records come from.</summary>
    public WorkUnit Unit { get; }

    /// <summary>Gets the place of the chunk's first record in the unit.</summary>
    public long Offset { get; }

    /// <summary>Gets the number of records covered, yielded and rejected.</summary>
    public int Count { get; }

    /// <summary>Gets the usable records, in input order.</summary>
    public IReadOnlyList<TRecord> Records { get; }

    /// <summary>Gets the records the source rejected.</summary>
    public IReadOnlyList<RejectedRecord> Rejected { get; }

    /// <summary>Gets a value indicating whether this chunk ends its unit.</summary>
    public bool EndOfUnit { get; }

    /// <summary>Gets the offset of the record after this chunk.</summary>
    public long Next => Offset + Count;
}
