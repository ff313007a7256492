namespace Connectomics.Pipelines.Engine;

/// <summary>
/// Where a shard's run stands, for progress and the summary: the totals carried over from the commit it resumed and
/// what this process has added. Written by the write stage only; read from any thread.
/// </summary>
internal sealed class RunCounters
{
    private long _recordsDone;
    private long _recordsRead;
    private long _rowsCommitted;
    private long _rowsWritten;
    private long _recordsRejected;
    private long _recordsWithoutRows;
    private long _units;
    private long _unknownUnits;
    private long _storeVersion = -1;
    private int _commits;

    public RunCounters(long recordsDone, long rowsCommitted, long recordsRejected, ulong? storeVersion)
    {
        _recordsDone = recordsDone;
        _rowsCommitted = rowsCommitted;
        _recordsRejected = recordsRejected;
        _storeVersion = storeVersion is { } version ? (long)version : -1;
    }

    /// <summary>Gets the records of the shard done (written or rejected), earlier runs included.</summary>
    public long RecordsDone => Interlocked.Read(ref _recordsDone);

    /// <summary>Gets the records this process has read and carried to the write stage.</summary>
    public long RecordsRead => Interlocked.Read(ref _recordsRead);

    /// <summary>Gets the rows of the shard committed, earlier runs included.</summary>
    public long RowsCommitted => Interlocked.Read(ref _rowsCommitted);

    /// <summary>Gets the rows this process has committed.</summary>
    public long RowsWritten => Interlocked.Read(ref _rowsWritten);

    /// <summary>Gets the records of the shard rejected, earlier runs included.</summary>
    public long RecordsRejected => Interlocked.Read(ref _recordsRejected);

    /// <summary>Gets the records this process has done without a row.</summary>
    public long RecordsWithoutRows => Interlocked.Read(ref _recordsWithoutRows);

    /// <summary>Gets the commits this process has made.</summary>
    public int Commits => Volatile.Read(ref _commits);

    /// <summary>Gets the store version of the shard's last commit, if any.</summary>
    public ulong? StoreVersion => Interlocked.Read(ref _storeVersion) is var v and >= 0 ? (ulong)v : null;

    /// <summary>Gets the share of unknown model units over this process's prepared records.</summary>
    public double UnknownShare
    {
        get
        {
            var units = Interlocked.Read(ref _units);
            return units == 0 ? 0 : (double)Interlocked.Read(ref _unknownUnits) / units;
        }
    }

    /// <summary>Counts a chunk the write stage has taken.</summary>
    /// <param name="records">The records the chunk covers, rejected ones included.</param>
    /// <param name="rejected">The chunk's records rejected.</param>
    /// <param name="withoutRows">The chunk's good records that made no row.</param>
    /// <param name="units">The model units of the chunk's prepared records.</param>
    /// <param name="unknownUnits">The unknown units among them.</param>
    public void ChunkWritten(int records, int rejected, int withoutRows, long units, long unknownUnits)
    {
        Interlocked.Add(ref _recordsDone, records);
        Interlocked.Add(ref _recordsRead, records);
        Interlocked.Add(ref _recordsRejected, rejected);
        Interlocked.Add(ref _recordsWithoutRows, withoutRows);
        Interlocked.Add(ref _units, units);
        Interlocked.Add(ref _unknownUnits, unknownUnits);
    }

    /// <summary>
    /// Counts a record read again from the commit's retry list: read by this process, but already among the shard's
    /// records done; when it succeeded it is no longer rejected.
    /// </summary>
    /// <param name="succeeded">Whether the record made its rows this time.</param>
    /// <param name="withoutRows">Whether it succeeded without a row.</param>
    /// <param name="units">The model units of the prepared record.</param>
    /// <param name="unknownUnits">The unknown units among them.</param>
    public void RecordRetried(bool succeeded, bool withoutRows, long units, long unknownUnits)
    {
        Interlocked.Increment(ref _recordsRead);
        if (succeeded)
        {
            Interlocked.Decrement(ref _recordsRejected);
        }

        if (withoutRows)
        {
            Interlocked.Increment(ref _recordsWithoutRows);
        }

        Interlocked.Add(ref _units, units);
        Interlocked.Add(ref _unknownUnits, unknownUnits);
    }

    /// <summary>Counts a commit.</summary>
    public void Committed(long rows, ulong version)
    {
        Interlocked.Add(ref _rowsCommitted, rows);
        Interlocked.Add(ref _rowsWritten, rows);
        Interlocked.Exchange(ref _storeVersion, (long)version);
        Interlocked.Increment(ref _commits);
    }
}
