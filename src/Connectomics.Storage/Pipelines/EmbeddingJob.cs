using System.Diagnostics.Metrics;
using Connectomics.Embeddings;
using Connectomics.Sequences;
using Connectomics.Storage.Fasta;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Parquet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Connectomics.Pipelines;

/// <summary>Builds the pipeline of a registered <see cref="EmbeddingJobOptions"/> and runs it.</summary>
internal sealed class EmbeddingJob : IEmbeddingJob
{
    private readonly IServiceProvider _services;
    private readonly IOptionsMonitor<EmbeddingJobOptions> _options;

    public EmbeddingJob(string name, IServiceProvider services, IOptionsMonitor<EmbeddingJobOptions> options)
    {
        Name = name;
        _services = services;
        _options = options;
    }

    public string Name { get; }

    public Task<PipelineResult> RunAsync(IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var options = _options.Get(Name);
        var model = options.Model is null
            ? _services.GetRequiredService<IEmbeddingModel<SequenceRecord>>()
            : _services.GetRequiredKeyedService<IEmbeddingModel<SequenceRecord>>(options.Model);
        var loggerFactory = _services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var meterFactory = _services.GetService<IMeterFactory>();
        var timeProvider = _services.GetService<TimeProvider>() ?? TimeProvider.System;

        var builder = options.Format switch
        {
            ReadFormat.Parquet => EmbeddingPipeline.From(new ParquetChunkSource(new ParquetChunkSourceOptions
            {
                Inputs = [.. options.Inputs],
                IdColumn = options.IdColumn,
                SequenceColumn = options.SequenceColumn,
                KeptColumns = [.. options.KeptColumns],
                UpperCase = !options.KeepCase,
            })),
            _ => EmbeddingPipeline.From(new SequenceFileChunkSource(new SequenceFileChunkSourceOptions
            {
                Inputs = [.. options.Inputs],
                Format = options.Format == ReadFormat.Fasta ? SequenceFileFormat.Fasta : SequenceFileFormat.Fastq,
                UpperCase = !options.KeepCase,
            })),
        };

        var pipeline = options.Pipeline;
        var quarantine = options.QuarantineDirectory ?? Path.Combine(options.Database, options.Table + ".quarantine");
        builder = builder
            .Embed(model)
            .To(LanceVectorStore.Open(options.Database, loggerFactory, meterFactory), options.Table)
            .Configure(o =>
            {
                o.RunId = pipeline.RunId;
                o.Shard = pipeline.Shard;
                o.Restart = pipeline.Restart;
                o.CheckpointInterval = pipeline.CheckpointInterval;
                o.CheckpointRows = pipeline.CheckpointRows;
                o.ChunkSize = pipeline.ChunkSize;
                o.TokensPerBatch = pipeline.TokensPerBatch;
                o.PrepareWorkers = pipeline.PrepareWorkers;
                o.EncodeWorkers = pipeline.EncodeWorkers;
                o.QueueCapacity = pipeline.QueueCapacity;
                o.MaxUnknownShare = pipeline.MaxUnknownShare;
            })
            .OnBadRecords(pipeline.BadRecords, new ParquetQuarantine(quarantine))
            .UseLoggerFactory(loggerFactory)
            .UseTimeProvider(timeProvider);
        if (meterFactory is not null)
        {
            builder = builder.UseMeterFactory(meterFactory);
        }

        return builder.RunAsync(progress, cancellationToken);
    }
}
