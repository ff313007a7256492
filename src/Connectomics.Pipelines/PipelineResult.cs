namespace Connectomics.Pipelines;

/// <summary>The summary of a run of a pipeline, for this process and for the shard as a whole.</summary>
public sealed record PipelineResult
{
    /// <summary>Gets how the run ended.</summary>
    public required PipelineOutcome Outcome { get; init; }

    /// <summary>Gets the run.</summary>
    public required string RunId { get; init; }

    /// <summary>Gets the shard, as <c>i/N</c>.</summary>
    public required string Shard { get; init; }

    /// <summary>Gets a value indicating whether the run continued from an earlier commit.</summary>
    public bool Resumed { get; init; }

    /// <summary>Gets the store version of the shard's last commit, when it has one.</summary>
    public ulong? StoreVersion { get; init; }

    /// <summary>Gets the rows this process committed.</summary>
    public long RowsWritten { get; init; }

    /// <summary>Gets the rows the shard has committed in all, earlier runs included.</summary>
    public long RowsCommitted { get; init; }

    /// <summary>Gets the records this process read (rejected ones included).</summary>
    public long RecordsRead { get; init; }

    /// <summary>
    /// Gets the records the shard has rejected in all, earlier runs included; with
    /// <see cref="EmbeddingPipelineOptions.RetryQuarantined"/>, the records set aside now (retried ones that succeeded
    /// are taken off).
    /// </summary>
    public long RecordsRejected { get; init; }

    /// <summary>
    /// Gets the records this process did without writing a row, because the rows object gave them none
    /// (<see cref="IMultiRowRecords{TRecord}"/>: a skipped volume block); they count as done.
    /// </summary>
    public long RecordsWithoutRows { get; init; }

    /// <summary>
    /// Gets the records of the shard quarantined and still to be tried again by a later run, under
    /// <see cref="EmbeddingPipelineOptions.RetryQuarantined"/> (0 otherwise). A run that reads the shard to its end with
    /// records pending returns <see cref="PipelineOutcome.Completed"/> and this count; running again retries them.
    /// </summary>
    public int RetryPending { get; init; }

    /// <summary>Gets the commits this process made.</summary>
    public int Commits { get; init; }

    /// <summary>Gets the share of model units (tokens) the model could not represent, over this process's records.</summary>
    public double UnknownShare { get; init; }

    /// <summary>Gets the time this process spent on the run.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Gets where rejected records went, when any were.</summary>
    public string? QuarantineLocation { get; init; }
}
