using Connectomics.Chunks;

namespace Connectomics.Stores;

/// <summary>
/// A vector table at the version it was opened or last committed at: its definition and metadata, the commits that
/// runs have tagged in it, exact search, and writers that append in atomic, tagged commits.
/// </summary>
public interface IVectorTable
{
    /// <summary>Gets the table's definition as stored (columns, dimension, metadata).</summary>
    VectorTableDefinition Definition { get; }

    /// <summary>Gets the version this handle sees.</summary>
    ulong Version { get; }

    /// <summary>Gets the number of rows at <see cref="Version"/>.</summary>
    long RowCount { get; }

    /// <summary>
    /// Finds the newest commit of a shard of a run in the table's current contents: versions are searched from the
    /// latest back to the newest that replaced the table's contents (which counts when it is the shard's own).
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="shard">The shard.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The commit, or null when the shard has committed nothing since the contents were last replaced.</returns>
    Task<CommitRecord?> FindLastCommitAsync(string runId, ShardAssignment shard, CancellationToken cancellationToken = default);

    /// <summary>Searches the latest version exactly (brute force) for the rows nearest <paramref name="vector"/>.</summary>
    /// <param name="vector">The query, as long as the table's vectors.</param>
    /// <param name="limit">The number of rows to return at most.</param>
    /// <param name="metric">The distance.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The nearest rows, nearest first.</returns>
    Task<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> vector, int limit, VectorMetric metric = VectorMetric.L2, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a writer for a shard of a run. Only one writer of a given run and shard may be open at a time, in any
    /// process: files of its uncommitted work carry its identity, and <see cref="IVectorTableWriter.RemoveUncommittedAsync"/>
    /// removes them.
    /// </summary>
    /// <param name="runId">The run.</param>
    /// <param name="shard">The shard.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The writer.</returns>
    Task<IVectorTableWriter> OpenWriterAsync(string runId, ShardAssignment shard, CancellationToken cancellationToken = default);
}
