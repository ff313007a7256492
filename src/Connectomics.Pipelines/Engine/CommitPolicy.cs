namespace Connectomics.Pipelines.Engine;

/// <summary>
/// When the write stage commits: once the rows written since the last commit reach the row limit, once the records
/// done since then reach the record limit (when there is one), once the interval has passed since the last commit
/// (checked after each chunk is written), and at the end.
/// </summary>
internal sealed class CommitPolicy
{
    private readonly long _rows;
    private readonly long? _records;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private long _lastCommit;

    public CommitPolicy(long rows, long? records, TimeSpan interval, TimeProvider time)
    {
        _rows = rows;
        _records = records;
        _interval = interval;
        _time = time;
        _lastCommit = time.GetTimestamp();
    }

    /// <summary>
    /// Gets whether to commit now, with <paramref name="pendingRows"/> rows written and <paramref name="pendingRecords"/>
    /// records done since the last commit.
    /// </summary>
    public bool IsDue(long pendingRows, long pendingRecords) =>
        pendingRows >= _rows || pendingRecords >= _records || _time.GetElapsedTime(_lastCommit) >= _interval;

    /// <summary>Notes that a commit was made.</summary>
    public void Committed() => _lastCommit = _time.GetTimestamp();
}
