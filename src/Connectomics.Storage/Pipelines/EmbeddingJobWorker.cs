using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Connectomics.Pipelines;

/// <summary>
/// Runs an <see cref="IEmbeddingJob"/> once when the host starts and stops the host when the job ends: a completed,
/// already complete or cancelled run stops it normally, a failed run stops it through the host's handling of a
/// failed background service (the failure is logged and the process exits with a non-zero code).
/// </summary>
internal sealed partial class EmbeddingJobWorker : BackgroundService
{
    private readonly IEmbeddingJob _job;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<EmbeddingJobWorker> _logger;

    public EmbeddingJobWorker(IEmbeddingJob job, IHostApplicationLifetime lifetime, ILogger<EmbeddingJobWorker> logger)
    {
        _job = job;
        _lifetime = lifetime;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var result = await _job.RunAsync(null, stoppingToken).ConfigureAwait(false);
        JobEnded(_logger, _job.Name, result.Outcome, result.RunId, result.Shard, result.RowsWritten, result.RowsCommitted, result.RecordsRejected, result.StoreVersion);
        _lifetime.StopApplication();
    }

    [LoggerMessage(EventId = 1, EventName = "EmbeddingJobEnded", Level = LogLevel.Information,
        Message = "Embedding job '{Job}' ended {Outcome}: run {RunId}, shard {Shard}, {RowsWritten} rows written now, {RowsCommitted} in the shard, {Rejected} rejected, version {Version}")]
    private static partial void JobEnded(ILogger logger, string job, PipelineOutcome outcome, string runId, string shard, long rowsWritten, long rowsCommitted, long rejected, ulong? version);
}
