using Connectomics.Pipelines;

namespace Connectomics.Volumes.Pipelines;

/// <summary>The summary of a run of a volume pipeline: the engine's result with the blocks' view of it.</summary>
public sealed record VolumeRunResult
{
    /// <summary>Gets the engine's result (outcome, run, shard, commits, store version).</summary>
    public required PipelineResult Pipeline { get; init; }

    /// <summary>Gets how the run ended.</summary>
    public PipelineOutcome Outcome => Pipeline.Outcome;

    /// <summary>Gets the blocks this process embedded.</summary>
    public long BlocksCompleted { get; init; }

    /// <summary>Gets the blocks this process skipped (not read; done without rows).</summary>
    public long BlocksSkipped { get; init; }

    /// <summary>Gets the blocks this process could not read.</summary>
    public long BlocksFailed { get; init; }

    /// <summary>Gets the shard's quarantined blocks still to do: not done, a resumed run tries them again first.</summary>
    public long RetryPending { get; init; }

    /// <summary>Gets the rows this process committed.</summary>
    public long Rows => Pipeline.RowsWritten;

    /// <summary>Gets the normalisation the blocks were embedded with.</summary>
    public required VoxelNormalization Normalization { get; init; }

    /// <summary>Gets the time this process spent on the run.</summary>
    public TimeSpan Elapsed => Pipeline.Elapsed;
}
