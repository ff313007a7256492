using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Connectomics.Chunks;
using Connectomics.Pipelines.Engine;
using Connectomics.Stores;
using Microsoft.Extensions.Logging;

namespace Connectomics.Pipelines;

/// <summary>
/// Runs one shard of a built pipeline: plans the shard, opens the table and a writer, finds where to start, then
/// streams the rest through the read, prepare, encode and write stages over bounded channels, committing rows with the
/// position they bring the shard to.
/// </summary>
/// <remarks>
/// Memory is bounded by the chunks in flight, at most three queues of <see cref="EmbeddingPipelineOptions.QueueCapacity"/>
/// chunks plus one chunk per worker (the read stage waits for the write stage beyond that), each of
/// <see cref="EmbeddingPipelineOptions.ChunkSize"/> records; the ids met so far are kept too, to find repeats
/// (<see cref="SeenIds"/>).
/// </remarks>
internal sealed class PipelineEngine<TRecord>
{
    private const string LoggerCategory = "Connectomics.Pipelines.EmbeddingPipeline";

    private readonly EmbeddingPipeline<TRecord> _pipeline;

    public PipelineEngine(EmbeddingPipeline<TRecord> pipeline) => _pipeline = pipeline;

    public async Task<PipelineResult> RunAsync(IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        var options = _pipeline.Options;
        var time = _pipeline.TimeProvider;
        var started = time.GetTimestamp();
        var logger = _pipeline.LoggerFactory.CreateLogger(LoggerCategory);
        var telemetry = PipelineTelemetry.For(_pipeline.MeterFactory);
        var shardText = options.Shard.ToString();
        try
        {
            var plan = await _pipeline.Source.PlanAsync(options.Shard, cancellationToken).ConfigureAwait(false);
            var identity = RunIdentity.Create(_pipeline, plan);
            var table = await _pipeline.Store.OpenTableAsync(identity.Definition, cancellationToken).ConfigureAwait(false);
            try
            {
                identity.CheckTable(table, _pipeline.Store.Location);
            }
            catch (PipelineResumeConflictException conflict)
            {
                Log.ResumeRefused(logger, options.RunId, shardText, conflict.Message);
                throw;
            }

            var writer = await table.OpenWriterAsync(options.RunId, options.Shard, cancellationToken).ConfigureAwait(false);
            using var failure = new StageFailure();
            try
            {
                return await RunShardAsync(plan, identity, table, writer, telemetry, logger, failure, progress, started, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                try
                {
                    await writer.DisposeAsync().ConfigureAwait(false);
                }
#pragma warning disable CA1031 // The stage failure is the exception to report, not a failure to clean up after it.
                catch (Exception) when (failure.HasFailed)
#pragma warning restore CA1031
                {
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled before any work was handed to the stages: nothing was written.
            return new PipelineResult
            {
                Outcome = PipelineOutcome.Cancelled,
                RunId = options.RunId,
                Shard = shardText,
                Elapsed = time.GetElapsedTime(started),
            };
        }
    }

    private async Task<PipelineResult> RunShardAsync(
        WorkPlan plan, RunIdentity identity, IVectorTable table, IVectorTableWriter writer, PipelineTelemetry telemetry, ILogger logger,
        StageFailure failure, IProgress<PipelineProgress>? progress, long started, CancellationToken cancellationToken)
    {
        var options = _pipeline.Options;
        var context = new RunContext<TRecord>(_pipeline, plan, identity, telemetry, logger, failure, new RunCounters(0, 0, 0, null));
        var start = await new ResumePlanner<TRecord>(context).StartAsync(table, writer, cancellationToken).ConfigureAwait(false);
        var counters = new RunCounters(start.RecordsDone, start.RowsCommitted, start.RecordsRejected, start.StoreVersion);
        context = new RunContext<TRecord>(_pipeline, plan, identity, telemetry, logger, failure, counters);
        Log.RunStarting(logger, options.RunId, context.ShardText, plan.Units.Count, plan.AllUnits.Count, plan.Weight, identity.Definition.Name,
            start.Position.ToString(), start.Resumed ? " (resumed)" : options.Restart ? " (restarted)" : string.Empty);

        if (start.Resumed && start.Position.IsDone && start.Retry.Count == 0)
        {
            Log.AlreadyComplete(logger, options.RunId, context.ShardText, start.StoreVersion!.Value, start.RowsCommitted);
            return Result(context, PipelineOutcome.AlreadyComplete, start, started);
        }

        var removed = await writer.RemoveUncommittedAsync(cancellationToken).ConfigureAwait(false);
        if (removed > 0)
        {
            Log.UncommittedRemoved(logger, options.RunId, context.ShardText, removed);
        }

        var read = new ReadStage<TRecord>(context);
        if (!start.Position.Equals(plan.Start) && !_pipeline.Source.Descriptor.UniqueIds)
        {
            var reread = await read.RebuildSeenIdsAsync(start.Position, start.Retry, cancellationToken).ConfigureAwait(false);
            Log.SeenIdsRebuilt(logger, options.RunId, context.ShardText, reread);
        }

        if (start.Retry.Count > 0)
        {
            Log.RetryingRecords(logger, options.RunId, context.ShardText, start.Retry.Count);
        }

        var capacity = options.QueueCapacity;
        var readQueue = Bounded(capacity);
        var prepareQueue = Bounded(capacity);
        var encodeQueue = Bounded(capacity);
        using var window = new SemaphoreSlim((3 * capacity) + options.PrepareWorkers + options.EncodeWorkers);
        long? total = plan.Units.All(u => u.Cost.Rows is not null) ? plan.Units.Sum(u => u.Cost.Rows!.Value) : null;

        WriteStage<TRecord>? write = null;
        IReadOnlyDictionary<string, int> Depths() => new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["read"] = readQueue.Reader.Count,
            ["prepare"] = prepareQueue.Reader.Count,
            ["encode"] = encodeQueue.Reader.Count,
            ["write"] = write?.Waiting ?? 0,
        };

        using var reporter = new ProgressReporter(progress, _pipeline.TimeProvider, counters, Depths, options.RunId, context.ShardText, total);
        write = new WriteStage<TRecord>(context, writer, reporter, start);
        using var gauge = telemetry.Observe(() => Depths().Select(d => new Measurement<int>(d.Value, [.. context.Tags, new("stage", d.Key)])));
        reporter.Start();

        await Task.WhenAll(
            failure.RunAsync(() => read.RunAsync(start.Position, start.Retry, readQueue.Writer, window, cancellationToken)),
            failure.RunAsync(() => new PrepareStage<TRecord>(context).RunAsync(readQueue.Reader, prepareQueue.Writer)),
            failure.RunAsync(() => new EncodeStage<TRecord>(context).RunAsync(prepareQueue.Reader, encodeQueue.Writer)),
            failure.RunAsync(() => write.RunAsync(encodeQueue.Reader, window))).ConfigureAwait(false);
        failure.ThrowIfFailed();

        // Reading to the end completes the run even when records stay to be tried again (RetryPending says how many).
        var outcome = write.Position.IsDone && !read.Stopped ? PipelineOutcome.Completed : PipelineOutcome.Cancelled;
        reporter.Report();
        return Result(context, outcome, start, started, write.Retry.Count);
    }

    private PipelineResult Result(RunContext<TRecord> context, PipelineOutcome outcome, ResumePoint start, long started, int retryPending = 0)
    {
        var counters = context.Counters;
        var elapsed = _pipeline.TimeProvider.GetElapsedTime(started);
        var result = new PipelineResult
        {
            Outcome = outcome,
            RunId = context.RunId,
            Shard = context.ShardText,
            Resumed = start.Resumed,
            StoreVersion = counters.StoreVersion,
            RowsWritten = counters.RowsWritten,
            RowsCommitted = counters.RowsCommitted,
            RecordsRead = counters.RecordsRead,
            RecordsRejected = counters.RecordsRejected,
            RecordsWithoutRows = counters.RecordsWithoutRows,
            RetryPending = retryPending,
            Commits = counters.Commits,
            UnknownShare = counters.UnknownShare,
            Elapsed = elapsed,
            QuarantineLocation = counters.RecordsRejected > 0 ? _pipeline.Quarantine?.Location : null,
        };
        Log.RunFinished(context.Logger, context.RunId, context.ShardText, outcome switch
        {
            PipelineOutcome.Completed => "completed",
            PipelineOutcome.AlreadyComplete => "already complete",
            _ => "cancelled",
        }, result.RowsWritten, result.Commits, result.RecordsRead, result.RecordsRejected, elapsed, result.StoreVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");
        return result;
    }

    private static Channel<ChunkInFlight<TRecord>> Bounded(int capacity) =>
        Channel.CreateBounded<ChunkInFlight<TRecord>>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
}
