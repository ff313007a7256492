using Connectomics.Pipelines;
using Microsoft.Extensions.Logging;

namespace Connectomics.Volumes.Pipelines;

/// <summary>
/// A built volume pipeline. <see cref="RunAsync"/> runs (or resumes) this process's shard of blocks to the end on the
/// embedding pipeline's engine: done blocks are skipped, quarantined ones tried again, the rest read, embedded and
/// committed with the done-block position.
/// </summary>
public sealed class VolumePipeline
{
    private readonly MeasuredBlockModel _model;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

    internal VolumePipeline(EmbeddingPipeline<VolumeBlock> pipeline, VolumeBlockSource source, MeasuredBlockModel model, ILogger logger, TimeProvider timeProvider)
    {
        Pipeline = pipeline;
        Source = source;
        _model = model;
        _logger = logger;
        _timeProvider = timeProvider;
    }

    /// <summary>Gets the engine's pipeline the volume pipeline runs on.</summary>
    public EmbeddingPipeline<VolumeBlock> Pipeline { get; }

    /// <summary>Gets the block source (grid, array, normalisation, counters).</summary>
    public VolumeBlockSource Source { get; }

    /// <summary>Gets the normalisation the blocks are embedded with.</summary>
    public VoxelNormalization Normalization => Source.Normalization;

    /// <summary>Runs (or resumes) this process's shard to the end, or until cancelled.</summary>
    /// <param name="progress">Receives progress snapshots, about once a second and at each commit.</param>
    /// <param name="cancellationToken">Stops the run; what is done is committed first.</param>
    /// <returns>The run's summary.</returns>
    /// <exception cref="PipelineResumeConflictException">The run recorded in the table differs (another volume, geometry,
    /// model or normalisation); the message names each difference.</exception>
    /// <exception cref="BadRecordException">A block could not be read under <see cref="BlockFailurePolicy.Fail"/>; the
    /// message names the block's boxes and the chunk key.</exception>
    public async Task<VolumeRunResult> RunAsync(IProgress<VolumeProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var started = _timeProvider.GetTimestamp();
        var skippedBefore = Source.BlocksSkipped;
        var failedBefore = Source.BlocksFailed;
        var embeddedBefore = _model.BlocksEmbedded;
        var voxelsBefore = Source.VoxelsRead;
        var relay = progress is null ? null : new ProgressRelay(progress, Source, _timeProvider, started, voxelsBefore, skippedBefore);
        var result = await Pipeline.RunAsync(relay, cancellationToken).ConfigureAwait(false);
        var failed = Source.BlocksFailed - failedBefore;
        var summary = new VolumeRunResult
        {
            Pipeline = result,
            BlocksCompleted = _model.BlocksEmbedded - embeddedBefore,
            BlocksSkipped = Source.BlocksSkipped - skippedBefore,
            BlocksFailed = failed,
            RetryPending = result.RetryPending,
            Normalization = Source.Normalization,
        };
        VolumePipelineLog.Finished(_logger, Source.Name, result.Outcome.ToString(), summary.BlocksCompleted, summary.BlocksSkipped, summary.BlocksFailed, summary.Rows, summary.Elapsed);
        return summary;
    }

    /// <summary>Turns the engine's progress into the blocks' view of it.</summary>
    private sealed class ProgressRelay(IProgress<VolumeProgress> target, VolumeBlockSource source, TimeProvider time, long started, long voxelsBefore, long skippedBefore)
        : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value)
        {
            var elapsed = time.GetElapsedTime(started);
            target.Report(new VolumeProgress
            {
                Pipeline = value,
                BlocksDone = value.RecordsDone,
                BlocksTotal = value.RecordsTotal,
                BlocksSkipped = source.BlocksSkipped - skippedBefore,
                BlocksFailed = value.RecordsRejected,
                RowsCommitted = value.RowsCommitted,
                VoxelsPerSecond = elapsed > TimeSpan.Zero ? (source.VoxelsRead - voxelsBefore) / elapsed.TotalSeconds : 0,
                Elapsed = elapsed,
            });
        }
    }
}
