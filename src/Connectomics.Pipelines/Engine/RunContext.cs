using System.Diagnostics;
using Connectomics.Chunks;
using Microsoft.Extensions.Logging;

namespace Connectomics.Pipelines.Engine;

/// <summary>What every stage of one run of a shard shares: the pipeline, its plan and identity, telemetry and failure.</summary>
/// <typeparam name="TRecord">The record type.</typeparam>
internal sealed class RunContext<TRecord>
{
    public RunContext(EmbeddingPipeline<TRecord> pipeline, WorkPlan plan, RunIdentity identity, PipelineTelemetry telemetry, ILogger logger, StageFailure failure, RunCounters counters)
    {
        Pipeline = pipeline;
        Plan = plan;
        Identity = identity;
        Telemetry = telemetry;
        Logger = logger;
        Failure = failure;
        Counters = counters;
        Tags = PipelineTelemetry.Tags(RunId, ShardText);
        MultiRows = pipeline.Rows as IMultiRowRecords<TRecord>;
    }

    public EmbeddingPipeline<TRecord> Pipeline { get; }

    public EmbeddingPipelineOptions Options => Pipeline.Options;

    /// <summary>Gets the rows object when its records make any number of rows each; null when each makes one.</summary>
    public IMultiRowRecords<TRecord>? MultiRows { get; }

    /// <summary>Gets a value indicating whether quarantined records stay to be tried again instead of being done.</summary>
    public bool RetriesQuarantined => Options.RetryQuarantined && Options.BadRecords == BadRecordPolicy.Quarantine;

    public string RunId => Pipeline.Options.RunId;

    public ShardAssignment Shard => Pipeline.Options.Shard;

    public string ShardText => Pipeline.Options.Shard.ToString();

    public WorkPlan Plan { get; }

    public RunIdentity Identity { get; }

    public PipelineTelemetry Telemetry { get; }

    public TagList Tags { get; }

    public ILogger Logger { get; }

    public StageFailure Failure { get; }

    public RunCounters Counters { get; }
}
