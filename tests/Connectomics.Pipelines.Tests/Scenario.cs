using Connectomics.Chunks;
using Connectomics.Pipelines.Tests.Doubles;
using Connectomics.Sequences;
using Microsoft.Extensions.Logging;

namespace Connectomics.Pipelines.Tests;

/// <summary>A pipeline over the doubles, with the settings most tests share and hooks to change them.</summary>
public sealed class Scenario
{
    public const string Table = "reads";

    public Scenario(MemoryChunkSource source, MemoryVectorStore? store = null, HashModel? model = null)
    {
        Source = source;
        Store = store ?? new MemoryVectorStore();
        Model = model ?? new HashModel();
    }

    public MemoryChunkSource Source { get; }

    public MemoryVectorStore Store { get; }

    public HashModel Model { get; }

    public MemoryQuarantine Quarantine { get; } = new();

    public RecordingLoggerFactory Logs { get; } = new();

    public MetricRecorder Metrics { get; } = new();

    public int ChunkSize { get; set; } = 4;

    public long CheckpointRows { get; set; } = 10;

    public int TokensPerBatch { get; set; } = 64;

    public int PrepareWorkers { get; set; } = 3;

    public int EncodeWorkers { get; set; } = 2;

    public int QueueCapacity { get; set; } = 2;

    public BadRecordPolicy Policy { get; set; } = BadRecordPolicy.Quarantine;

    public ShardAssignment Shard { get; set; } = ShardAssignment.Single;

    public TimeProvider Time { get; set; } = TimeProvider.System;

    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromHours(1);

    public bool Restart { get; set; }

    public MemoryVectorTable Output => Store[Table];

    public Task<PipelineResult> RunAsync(IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default) =>
        EmbeddingPipeline.From(Source)
            .Embed(Model, e => e.TokensPerBatch(TokensPerBatch).PrepareWorkers(PrepareWorkers).EncodeWorkers(EncodeWorkers).MaxUnknownShare(0.5))
            .To(Store, Table)
            .CheckpointEvery(CheckpointInterval, CheckpointRows)
            .AsShard(Shard)
            .Restart(Restart)
            .OnBadRecords(Policy, Quarantine)
            .Configure(o =>
            {
                o.ChunkSize = ChunkSize;
                o.QueueCapacity = QueueCapacity;
            })
            .WithTableMetadata("project", "tests")
            .UseLoggerFactory(Logs)
            .UseMeterFactory(Metrics)
            .UseTimeProvider(Time)
            .RunAsync(progress, cancellationToken);

    public IEnumerable<(LogLevel Level, EventId EventId, string Message)> LogEntries => Logs.Logger.Entries;
}
