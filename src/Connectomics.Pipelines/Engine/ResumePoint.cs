using Connectomics.Chunks;

namespace Connectomics.Pipelines.Engine;

/// <summary>Where a shard's run starts: its position, the totals its last commit recorded, and that commit's version.</summary>
/// <param name="Position">The position to continue from.</param>
/// <param name="Resumed">Whether the run continues an earlier commit of the shard.</param>
/// <param name="Committed">Whether <paramref name="Position"/> is already committed (a resumed commit, or a restart's).</param>
/// <param name="RecordsDone">The records done up to the position.</param>
/// <param name="RowsCommitted">The rows committed up to the position.</param>
/// <param name="RecordsRejected">The records rejected up to the position.</param>
/// <param name="StoreVersion">The version of the shard's last commit, when it has one.</param>
internal sealed record ResumePoint(WorkPosition Position, bool Resumed, bool Committed, long RecordsDone, long RowsCommitted, long RecordsRejected, ulong? StoreVersion)
{
    /// <summary>Gets the records before <see cref="Position"/> that are not done and are read again first.</summary>
    public IReadOnlyList<WorkPosition> Retry { get; init; } = [];
}
