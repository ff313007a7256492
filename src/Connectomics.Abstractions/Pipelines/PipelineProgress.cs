namespace Connectomics.Pipelines;

/// <summary>
/// A snapshot of a running pipeline for <see cref="IProgress{T}"/>: how much of the shard is done and committed,
/// how fast, when it will end, and how full each stage's queue is.
/// </summary>
public sealed record PipelineProgress
{
    /// <summary>Gets the run.</summary>
    public required string RunId { get; init; }

    /// <summary>Gets the shard, as <c>i/N</c>.</summary>
    public required string Shard { get; init; }

    /// <summary>Gets the records of the shard done: read and embedded or rejected, since the run began (resumed work included).</summary>
    public long RecordsDone { get; init; }

    /// <summary>Gets the records of the shard in all, when the source knows it without reading.</summary>
    public long? RecordsTotal { get; init; }

    /// <summary>Gets the rows committed to the store, since the run began.</summary>
    public long RowsCommitted { get; init; }

    /// <summary>Gets the records rejected (quarantined), since the run began.</summary>
    public long RecordsRejected { get; init; }

    /// <summary>Gets the records this process did without writing a row (volume blocks that make none, such as skipped ones).</summary>
    public long RecordsWithoutRows { get; init; }

    /// <summary>Gets the records done per second in this process, over the last seconds.</summary>
    public double RecordsPerSecond { get; init; }

    /// <summary>Gets the time since this process started the run.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Gets the estimated time left, when the total is known and work has been timed.</summary>
    public TimeSpan? EstimatedRemaining { get; init; }

    /// <summary>Gets the items waiting in each stage's queue, by stage name (<c>read</c>, <c>prepare</c>, <c>encode</c>, <c>write</c>).</summary>
    public IReadOnlyDictionary<string, int> QueueDepths { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Gets the store version of the last commit, when there has been one.</summary>
    public ulong? StoreVersion { get; init; }

    /// <summary>Gets the share of model units (tokens) the model could not represent, over the run so far.</summary>
    public double UnknownShare { get; init; }
}
