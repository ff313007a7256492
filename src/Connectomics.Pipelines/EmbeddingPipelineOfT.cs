using Connectomics.Chunks;
using Connectomics.Embeddings;
using Connectomics.Stores;
using Microsoft.Extensions.Logging;

namespace Connectomics.Pipelines;

/// <summary>
/// A built embedding pipeline. <see cref="RunAsync"/> runs (or resumes) this process's shard to the end: it plans the
/// shard's units, finds the shard's last commit in the table, removes files of uncommitted work, then streams the
/// rest through bounded read, prepare, encode and write stages, committing rows together with the input position.
/// </summary>
/// <typeparam name="TRecord">The record type.</typeparam>
public sealed class EmbeddingPipeline<TRecord>
{
    internal EmbeddingPipeline(
        IChunkSource<TRecord> source,
        IRecordRows<TRecord> rows,
        IEmbeddingModel<TRecord> model,
        IVectorStore store,
        string table,
        EmbeddingPipelineOptions options,
        IRecordQuarantine? quarantine,
        IReadOnlyDictionary<string, string> tableMetadata,
        ILoggerFactory loggerFactory,
        System.Diagnostics.Metrics.IMeterFactory? meterFactory,
        TimeProvider timeProvider)
    {
        Source = source;
        Rows = rows;
        Model = model;
        Store = store;
        Table = table;
        Options = options;
        Quarantine = quarantine;
        TableMetadata = tableMetadata;
        LoggerFactory = loggerFactory;
        MeterFactory = meterFactory;
        TimeProvider = timeProvider;
    }

    /// <summary>Gets the source.</summary>
    public IChunkSource<TRecord> Source { get; }

    /// <summary>Gets the model.</summary>
    public IEmbeddingModel<TRecord> Model { get; }

    /// <summary>Gets the store.</summary>
    public IVectorStore Store { get; }

    /// <summary>Gets the table's name.</summary>
    public string Table { get; }

    /// <summary>Gets the options (a copy taken when the pipeline was built).</summary>
    public EmbeddingPipelineOptions Options { get; }

    /// <summary>Gets where quarantined records go, when they are quarantined.</summary>
    public IRecordQuarantine? Quarantine { get; }

    internal IRecordRows<TRecord> Rows { get; }

    internal IReadOnlyDictionary<string, string> TableMetadata { get; }

    internal ILoggerFactory LoggerFactory { get; }

    internal System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; }

    internal TimeProvider TimeProvider { get; }

    /// <summary>Runs (or resumes) this process's shard to the end, or until cancelled.</summary>
    /// <param name="progress">Receives progress snapshots, about once a second and at each commit.</param>
    /// <param name="cancellationToken">Stops the run; what is done is committed first and the result says <see cref="PipelineOutcome.Cancelled"/>.</param>
    /// <returns>The run's summary.</returns>
    /// <exception cref="PipelineResumeConflictException">The run recorded in the table differs from this one; the message names each difference.</exception>
    /// <exception cref="BadRecordException">A bad record under <see cref="BadRecordPolicy.Fail"/>.</exception>
    public Task<PipelineResult> RunAsync(IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default) =>
        new PipelineEngine<TRecord>(this).RunAsync(progress, cancellationToken);
}
