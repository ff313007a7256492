namespace Connectomics.Stores;

/// <summary>
/// Appends rows to a vector table for one shard of one run. Rows written are invisible until
/// <see cref="CommitAsync"/> publishes them together with a <see cref="CommitTag"/> in one atomic step; every file
/// the commit refers to, and the commit itself, is on stable storage before it returns. Disposing a writer with
/// uncommitted rows discards them.
/// </summary>
public interface IVectorTableWriter : IAsyncDisposable
{
    /// <summary>Gets the rows written since the last commit.</summary>
    long PendingRows { get; }

    /// <summary>
    /// Removes the files of this run and shard's work that no version of the table refers to (left by a process that
    /// died before committing). Call it before writing, when resuming.
    /// </summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The number of files removed.</returns>
    Task<int> RemoveUncommittedAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes rows; they become visible with the next <see cref="CommitAsync"/>.</summary>
    /// <param name="batch">The rows; the caller may reuse its buffers once the call returns.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the rows are written (not yet committed).</returns>
    ValueTask WriteAsync(VectorBatch batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes the rows written since the last commit (possibly none) together with <paramref name="tag"/> as a new
    /// version, concurrently with other writers' appends.
    /// </summary>
    /// <param name="tag">The commit's tag; its run and shard are the writer's.</param>
    /// <param name="cancellationToken">Cancels the commit before it is published.</param>
    /// <returns>The version that holds the rows and the tag.</returns>
    Task<ulong> CommitAsync(CommitTag tag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the table's contents with the rows written since the last commit (possibly none), tagged with
    /// <paramref name="tag"/>: how a run starts over. Rows other runs and shards committed are gone too.
    /// </summary>
    /// <param name="tag">The commit's tag.</param>
    /// <param name="cancellationToken">Cancels the commit before it is published.</param>
    /// <returns>The version that holds only the rows and the tag.</returns>
    Task<ulong> ReplaceAsync(CommitTag tag, CancellationToken cancellationToken = default);
}
