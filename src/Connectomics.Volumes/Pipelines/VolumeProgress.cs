using Connectomics.Pipelines;

namespace Connectomics.Volumes.Pipelines;

/// <summary>A snapshot of a volume pipeline's progress, from the engine's progress and the block source's counters.</summary>
public sealed record VolumeProgress
{
    /// <summary>Gets the engine's snapshot it is made from.</summary>
    public required PipelineProgress Pipeline { get; init; }

    /// <summary>Gets the shard's blocks done (embedded or skipped), earlier runs included.</summary>
    public long BlocksDone { get; init; }

    /// <summary>Gets the shard's blocks in all.</summary>
    public long? BlocksTotal { get; init; }

    /// <summary>Gets the blocks this process skipped (empty, the predicate, no points).</summary>
    public long BlocksSkipped { get; init; }

    /// <summary>Gets the blocks that failed (quarantined), earlier runs included.</summary>
    public long BlocksFailed { get; init; }

    /// <summary>Gets the rows the shard has committed, earlier runs included.</summary>
    public long RowsCommitted { get; init; }

    /// <summary>Gets the voxels read per second by this process (halos and channels included).</summary>
    public double VoxelsPerSecond { get; init; }

    /// <summary>Gets the time this process has run.</summary>
    public TimeSpan Elapsed { get; init; }
}
