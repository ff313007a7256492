using System.ComponentModel.DataAnnotations;
using Connectomics.Chunks;
using Connectomics.Embeddings;
using Connectomics.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Connectomics.Pipelines;

/// <summary>
/// Configures an embedding pipeline: the model, the store and table, how often to commit, which shard and run, what
/// to do with bad records. Single use: <see cref="Build"/> (or <see cref="RunAsync"/>) validates everything at once
/// and may be called once.
/// </summary>
/// <typeparam name="TRecord">The record type.</typeparam>
public sealed class EmbeddingPipelineBuilder<TRecord>
{
    private readonly IChunkSource<TRecord> _source;
    private readonly IRecordRows<TRecord> _rows;
    private readonly EmbeddingPipelineOptions _options = new();
    private readonly Dictionary<string, string> _tableMetadata = new(StringComparer.Ordinal);
    private IEmbeddingModel<TRecord>? _model;
    private IVectorStore? _store;
    private string? _table;
    private IRecordQuarantine? _quarantine;
    private ILoggerFactory _loggerFactory = NullLoggerFactory.Instance;
    private System.Diagnostics.Metrics.IMeterFactory? _meterFactory;
    private TimeProvider _timeProvider = TimeProvider.System;
    private bool _built;

    internal EmbeddingPipelineBuilder(IChunkSource<TRecord> source, IRecordRows<TRecord> rows)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(rows);
        _source = source;
        _rows = rows;
    }

    /// <summary>Gets the source the pipeline reads.</summary>
    public IChunkSource<TRecord> Source => _source;

    /// <summary>Sets the model that embeds the records.</summary>
    /// <param name="model">The model; the caller keeps ownership and disposes it after the run.</param>
    /// <param name="configure">Sets the embed stage's settings.</param>
    /// <returns>This builder.</returns>
    public EmbeddingPipelineBuilder<TRecord> Embed(IEmbeddingModel<TRecord> model, Action<EmbedSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        EnsureNotBuilt();
        _model = model;
        configure?.Invoke(new EmbedSettings(_options));
        return this;
    }

    /// <summary>Sets the store and the table the rows go to (created when missing).</summary>
    /// <param name="store">The store.</param>
    /// <param name="table">The table's name.</param>
    /// <returns>This builder.</returns>
    public EmbeddingPipelineBuilder<TRecord> To(IVectorStore store, string table)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        EnsureNotBuilt();
        _store = store;
        _table = table;
        return this;
    }

    /// <summary>Commits at least every <paramref name="interval"/> and every <paramref name="rows"/> rows.</summary>
    /// <param name="interval">The longest time between commits.</param>
    /// <param name="rows">The most rows between commits.</param>
    /// <returns>This builder.</returns>
    public EmbeddingPipelineBuilder<TRecord> CheckpointEvery(TimeSpan interval, long rows = EmbeddingPipelineDefaults.CheckpointRows)
    {
        EnsureNotBuilt();
        _options.CheckpointInterval = interval;
        _options.CheckpointRows = rows;
        return this;
    }

    /// <summary>Makes this process one shard of the run.</summary>
    /// <param name="shard">The shard.</param>
    /// <returns>This builder.</returns>
    public EmbeddingPipelineBuilder<TRecord> AsShard(ShardAssignment shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        EnsureNotBuilt();
        _options.Shard = shard;
        return this;
    }

    /// <summary>Names the run; re-running with the same name continues it.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>This builder.</returns>
    public EmbeddingPipelineBuilder<TRecord> WithRunId(string runId)
    {
        EnsureNotBuilt();
        _options.RunId = runId;
        return this;
    }

    /// <summary>Starts the run over instead of resuming it: the table's contents are replaced by the first commit.</summary>
    /// <param name="restart">Whether to start over.</param>
    /// <returns>This builder.</returns>
    public EmbeddingPipelineBuilder<TRecord> Restart(bool restart = true)
    {
        EnsureNotBuilt();
        _options.Restart = restart;
        return this;
    }

    /// <summary>Sets what happens to bad records, and where quarantined ones go.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="quarantine">Where quarantined records go; required for <see cref="BadRecordPolicy.Quarantine"/>.</param>
    /// <returns>This builder.</returns>
    public EmbeddingPipelineBuilder<TRecord> OnBadRecords(BadRecordPolicy policy, IRecordQuarantine? quarantine = null)
    {
        EnsureNotBuilt();
        _options.BadRecords = policy;
        _quarantine = quarantine;
        return this;
    }

    /// <summary>Adds an entry to the metadata stamped on the table when the pipeline creates it.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This builder.</returns>
    public EmbeddingPipelineBuilder<TRecord> WithTableMetadata(string key, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(value);
        EnsureNotBuilt();
        _tableMetadata[key] = value;
        return this;
    }

    /// <summary>Changes any of the options at once.</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>This builder.</returns>
    public EmbeddingPipelineBuilder<TRecord> Configure(Action<EmbeddingPipelineOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        EnsureNotBuilt();
        configure(_options);
        return this;
    }

    /// <summary>Sets the logger factory.</summary>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <returns>This builder.</returns>
    public EmbeddingPipelineBuilder<TRecord> UseLoggerFactory(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        EnsureNotBuilt();
        _loggerFactory = loggerFactory;
        return this;
    }

    /// <summary>Sets the meter factory the pipeline's <c>Connectomics.Pipelines</c> meter comes from.</summary>
    /// <param name="meterFactory">The meter factory.</param>
    /// <returns>This builder.</returns>
    public EmbeddingPipelineBuilder<TRecord> UseMeterFactory(System.Diagnostics.Metrics.IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        EnsureNotBuilt();
        _meterFactory = meterFactory;
        return this;
    }

    /// <summary>Sets the clock that times commits and progress.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>This builder.</returns>
    public EmbeddingPipelineBuilder<TRecord> UseTimeProvider(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        EnsureNotBuilt();
        _timeProvider = timeProvider;
        return this;
    }

    /// <summary>Validates the configuration and builds the pipeline. A builder builds once.</summary>
    /// <returns>The pipeline.</returns>
    /// <exception cref="InvalidOperationException">The builder was used already, or the model or store is missing.</exception>
    /// <exception cref="ValidationException">The options are invalid; the message lists every problem.</exception>
    public EmbeddingPipeline<TRecord> Build()
    {
        EnsureNotBuilt();
        var problems = new List<string>();
        if (_model is null)
        {
            problems.Add("No model: call Embed(model).");
        }

        if (_store is null || _table is null)
        {
            problems.Add("No store: call To(store, table) or ToLance(database, table).");
        }

        if (_options.BadRecords == BadRecordPolicy.Quarantine && _quarantine is null)
        {
            problems.Add("Bad records are quarantined but no quarantine is set: call OnBadRecords(BadRecordPolicy.Quarantine, quarantine), or BadRecordPolicy.Fail.");
        }

        var validation = new EmbeddingPipelineOptionsValidator().Validate(null, _options);
        if (validation.Failed)
        {
            problems.AddRange(validation.Failures);
        }

        if (problems.Count > 0)
        {
            throw new ValidationException($"{nameof(EmbeddingPipelineOptions)}: {string.Join(" ", problems)}");
        }

        _built = true;
        var options = new EmbeddingPipelineOptions
        {
            RunId = _options.RunId,
            Shard = _options.Shard,
            Restart = _options.Restart,
            CheckpointInterval = _options.CheckpointInterval,
            CheckpointRows = _options.CheckpointRows,
            CheckpointRecords = _options.CheckpointRecords,
            RetryQuarantined = _options.RetryQuarantined,
            ChunkSize = _options.ChunkSize,
            TokensPerBatch = _options.TokensPerBatch,
            PrepareWorkers = _options.PrepareWorkers,
            EncodeWorkers = _options.EncodeWorkers,
            QueueCapacity = _options.QueueCapacity,
            BadRecords = _options.BadRecords,
            MaxUnknownShare = _options.MaxUnknownShare,
        };
        return new EmbeddingPipeline<TRecord>(
            _source, _rows, _model!, _store!, _table!, options, _quarantine,
            new Dictionary<string, string>(_tableMetadata, StringComparer.Ordinal), _loggerFactory, _meterFactory, _timeProvider);
    }

    /// <summary>Builds the pipeline and runs it: <see cref="Build"/> then <see cref="EmbeddingPipeline{TRecord}.RunAsync"/>.</summary>
    /// <param name="progress">Receives progress snapshots, about once a second and at each commit.</param>
    /// <param name="cancellationToken">Stops the run; what is done is committed first.</param>
    /// <returns>The run's summary.</returns>
    public Task<PipelineResult> RunAsync(IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Build().RunAsync(progress, cancellationToken);

    private void EnsureNotBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException("This pipeline builder has been built already; create a new one.");
        }
    }
}
