using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using System.Globalization;
using Connectomics.Chunks;
using Connectomics.Pipelines;
using Connectomics.Stores;
using Connectomics.Volumes.Blocks;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Reading;
using Connectomics.Volumes.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Connectomics.Volumes.Pipelines;

/// <summary>
/// Configures a volume pipeline: a 3-D model run block by block over a volume into a vector table, resumably, on the
/// embedding pipeline's engine (one work unit per block, commits carrying the done blocks, shards as contiguous Morton
/// ranges). Single use: <see cref="BuildAsync"/> (or <see cref="RunAsync"/>) validates everything at once.
/// </summary>
/// <example>
/// <code>
/// await EmbeddingPipeline
///     .FromZarr("em.zarr", array: "s0")
///     .Blocks(b => b.Size(512).Halo(HaloSize.Auto).Boundary(Boundary.Reflect).SkipEmpty())
///     .Read(r => r.CacheBytes(4L &lt;&lt; 30).Concurrency(16).Retries(3))
///     .Embed(model, e => e.PerCell(64))
///     .ToLance("out/vectors", table: "em_cells")
///     .CheckpointEvery(TimeSpan.FromMinutes(30), blocks: 200)
///     .RunAsync(progress, cancellationToken);
/// </code>
/// </example>
public sealed class VolumePipelineBuilder
{
    /// <summary>The default number of blocks between commits.</summary>
    public const long DefaultCheckpointBlocks = 200;

    /// <summary>The table metadata key of the normalisation.</summary>
    public const string NormalizationMetadataKey = "connectomics.volume.normalization";

    private readonly Func<CancellationToken, ValueTask<OpenedVolume>> _open;
    private readonly BlockSettings _blocks = new();
    private readonly ReadSettings _read = new();
    private readonly EmbeddingPipelineOptions _options = new()
    {
        ChunkSize = 1,
        QueueCapacity = 1,
        PrepareWorkers = 1,
        EncodeWorkers = 1,
        TokensPerBatch = 1,
        CheckpointRecords = DefaultCheckpointBlocks,
        BadRecords = BadRecordPolicy.Fail,
    };

    private VolumeEmbedSettings _embed = new();
    private IVolumeEmbeddingModel? _model;
    private IVectorStore? _store;
    private string? _table;
    private BlockFailurePolicy _failurePolicy = BlockFailurePolicy.Fail;
    private IRecordQuarantine? _quarantine;
    private ILoggerFactory _loggerFactory = NullLoggerFactory.Instance;
    private IMeterFactory? _meterFactory;
    private TimeProvider _timeProvider = TimeProvider.System;
    private bool _built;

    internal VolumePipelineBuilder(Func<CancellationToken, ValueTask<OpenedVolume>> open) => _open = open;

    /// <summary>Sets how the volume is cut into blocks.</summary>
    /// <param name="configure">Sets the block settings.</param>
    /// <returns>This builder.</returns>
    public VolumePipelineBuilder Blocks(Action<BlockSettings> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        EnsureNotBuilt();
        configure(_blocks);
        return this;
    }

    /// <summary>Sets how the volume is read: cache, concurrency, retries and the memory limit.</summary>
    /// <param name="configure">Sets the read settings.</param>
    /// <returns>This builder.</returns>
    public VolumePipelineBuilder Read(Action<ReadSettings> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        EnsureNotBuilt();
        configure(_read);
        return this;
    }

    /// <summary>Sets the model that embeds the blocks, and how (normalisation, rows per block, cell or point).</summary>
    /// <param name="model">The model; the caller keeps ownership and disposes it after the run.</param>
    /// <param name="configure">Sets the embed settings.</param>
    /// <returns>This builder.</returns>
    public VolumePipelineBuilder Embed(IVolumeEmbeddingModel model, Action<VolumeEmbedSettings>? configure = null)
    {
        var settings = new VolumeEmbedSettings();
        configure?.Invoke(settings);
        return Embed(model, settings);
    }

    /// <summary>Sets the model that embeds the blocks, and the embed settings made beforehand.</summary>
    /// <param name="model">The model; the caller keeps ownership and disposes it after the run.</param>
    /// <param name="settings">The embed settings.</param>
    /// <returns>This builder.</returns>
    public VolumePipelineBuilder Embed(IVolumeEmbeddingModel model, VolumeEmbedSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        EnsureNotBuilt();
        _model = model;
        _embed = settings;
        return this;
    }

    /// <summary>Sets the store and the table the rows go to (created when missing).</summary>
    /// <param name="store">The store.</param>
    /// <param name="table">The table's name.</param>
    /// <returns>This builder.</returns>
    public VolumePipelineBuilder To(IVectorStore store, string table)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        EnsureNotBuilt();
        _store = store;
        _table = table;
        return this;
    }

    /// <summary>Commits at least every <paramref name="interval"/> and every <paramref name="blocks"/> blocks.</summary>
    /// <param name="interval">The longest time between commits.</param>
    /// <param name="blocks">The most blocks between commits.</param>
    /// <returns>This builder.</returns>
    public VolumePipelineBuilder CheckpointEvery(TimeSpan interval, long blocks = DefaultCheckpointBlocks)
    {
        EnsureNotBuilt();
        _options.CheckpointInterval = interval;
        _options.CheckpointRecords = blocks;
        return this;
    }

    /// <summary>Makes this process one shard of the run: a contiguous Morton range of blocks balanced by voxels.</summary>
    /// <param name="shard">The shard.</param>
    /// <returns>This builder.</returns>
    public VolumePipelineBuilder AsShard(ShardAssignment shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        EnsureNotBuilt();
        _options.Shard = shard;
        return this;
    }

    /// <summary>Names the run; re-running with the same name continues it.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>This builder.</returns>
    public VolumePipelineBuilder WithRunId(string runId)
    {
        EnsureNotBuilt();
        _options.RunId = runId;
        return this;
    }

    /// <summary>Starts the run over instead of resuming it: the table's contents are replaced by the first commit.</summary>
    /// <param name="restart">Whether to start over.</param>
    /// <returns>This builder.</returns>
    public VolumePipelineBuilder Restart(bool restart = true)
    {
        EnsureNotBuilt();
        _options.Restart = restart;
        return this;
    }

    /// <summary>Sets what happens to blocks that cannot be read, and where quarantined ones go.</summary>
    /// <param name="policy">The policy; <see cref="BlockFailurePolicy.Fail"/> by default.</param>
    /// <param name="quarantine">Where quarantined blocks go; required for <see cref="BlockFailurePolicy.Quarantine"/>.</param>
    /// <returns>This builder.</returns>
    public VolumePipelineBuilder OnFailedBlocks(BlockFailurePolicy policy, IRecordQuarantine? quarantine = null)
    {
        EnsureNotBuilt();
        _failurePolicy = policy;
        _quarantine = quarantine;
        return this;
    }

    /// <summary>Sets the logger factory.</summary>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <returns>This builder.</returns>
    public VolumePipelineBuilder UseLoggerFactory(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        EnsureNotBuilt();
        _loggerFactory = loggerFactory;
        return this;
    }

    /// <summary>Sets the meter factory the <c>Connectomics</c> and <c>Connectomics.Pipelines</c> meters come from.</summary>
    /// <param name="meterFactory">The meter factory.</param>
    /// <returns>This builder.</returns>
    public VolumePipelineBuilder UseMeterFactory(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        EnsureNotBuilt();
        _meterFactory = meterFactory;
        return this;
    }

    /// <summary>Sets the clock that times commits, progress and read retries.</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>This builder.</returns>
    public VolumePipelineBuilder UseTimeProvider(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        EnsureNotBuilt();
        _timeProvider = timeProvider;
        return this;
    }

    /// <summary>
    /// Opens the volume, validates the configuration, resolves the normalisation and builds the pipeline. A builder
    /// builds once.
    /// </summary>
    /// <remarks>
    /// The run's memory bound is <c>cache + read concurrency × decoded chunk + (1 + blocks in flight) × read box bytes</c>,
    /// where the read box is a full block's write box grown by the halo and joined with the model's input box, its bytes
    /// counting every channel, and the blocks in flight are those the engine's queues hold,
    /// <c>3 × queue capacity + prepare workers + encode workers</c> (5 with a volume pipeline's settings: queue capacity 1, one prepare and one encode worker). A bound above
    /// <see cref="ReadSettings.MaxMemoryBytes"/> is refused.
    /// </remarks>
    /// <param name="cancellationToken">Cancels opening the volume and sampling it for the normalisation.</param>
    /// <returns>The pipeline.</returns>
    /// <exception cref="InvalidOperationException">The builder was used already.</exception>
    /// <exception cref="ValidationException">The configuration is invalid; the message lists every problem.</exception>
    public async Task<VolumePipeline> BuildAsync(CancellationToken cancellationToken = default)
    {
        EnsureNotBuilt();
        _built = true;
        var problems = new List<string>();
        if (_model is null)
        {
            problems.Add("No model: call Embed(model).");
        }

        if (_store is null || _table is null)
        {
            problems.Add("No store: call To(store, table) or ToLance(database, table).");
        }

        if (!Enum.IsDefined(_failurePolicy))
        {
            problems.Add($"{(int)_failurePolicy} is not a block failure policy.");
        }
        else if (_failurePolicy == BlockFailurePolicy.Quarantine && _quarantine is null)
        {
            problems.Add("Failed blocks are quarantined but no quarantine is set: call OnFailedBlocks(BlockFailurePolicy.Quarantine, quarantine), or BlockFailurePolicy.Fail.");
        }

        _options.BadRecords = _failurePolicy == BlockFailurePolicy.Quarantine ? BadRecordPolicy.Quarantine : BadRecordPolicy.Fail;
        _options.RetryQuarantined = _failurePolicy == BlockFailurePolicy.Quarantine;
        var engine = new List<ValidationResult>();
        if (!Validator.TryValidateObject(_options, new ValidationContext(_options), engine, validateAllProperties: true))
        {
            problems.AddRange(engine.Select(r => r.ErrorMessage ?? string.Join(", ", r.MemberNames)));
        }

        var readOptions = new VolumeReadOptions { ReadConcurrency = _read.ReadConcurrency, Retries = _read.RetryCount };
        var read = new List<ValidationResult>();
        if (!Validator.TryValidateObject(readOptions, new ValidationContext(readOptions), read, validateAllProperties: true))
        {
            problems.AddRange(read.Select(r => $"Read: {r.ErrorMessage}"));
        }

        if (_read.CacheMaxBytes < 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"Read: the cache size {_read.CacheMaxBytes} is negative (0 turns the cache off)."));
        }

        if (_read.MaxMemory < 1)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"Read: the memory limit {_read.MaxMemory} must be positive."));
        }

        var opened = await _open(cancellationToken).ConfigureAwait(false);
        var info = opened.Array.Info;
        var shape = info.Shape.Count >= 3 ? new Index3(info.Shape[^3], info.Shape[^2], info.Shape[^1]) : Index3.Zero;
        var channels = info.Shape.Count == 4 ? info.Shape[0] : 1;
        if (info.Shape.Count is not (3 or 4))
        {
            problems.Add($"The array '{opened.Name}' ({info.Location}) has rank {info.Shape.Count}; a volume pipeline reads [z, y, x] or [c, z, y, x].");
        }

        var model = _model;
        var halo = _blocks.HaloVoxels ?? (model is null ? Index3.Zero : Index3.Max(model.Context, model.ContextAfter));
        var blockSize = _blocks.BlockSize;
        var gridOptions = new BlockGridOptions
        {
            BlockSize = blockSize,
            Halo = halo,
            Boundary = _blocks.BoundaryRule,
            SkipEmpty = _blocks.SkipsEmpty,
            SkipWhen = _blocks.SkipPredicate,
        };
        var grid = new List<ValidationResult>();
        var gridValid = Validator.TryValidateObject(gridOptions, new ValidationContext(gridOptions), grid, validateAllProperties: true);
        problems.AddRange(grid.Select(r => $"Blocks: {r.ErrorMessage}"));
        if (model is not null)
        {
            CheckModel(model, opened, info, channels, halo, blockSize, problems);
        }

        CheckRows(shape, problems);
        long memoryBound = 0;
        var readBox = Box3.FromShape(blockSize).Grow(halo);
        if (model is not null && gridValid && problems.Count == 0)
        {
            var modelBox = model.GetInputBox(Box3.FromShape(blockSize));
            readBox = new Box3(Index3.Min(readBox.Start, modelBox.Start), Index3.Max(readBox.Stop, modelBox.Stop));
            var inFlight = (3 * _options.QueueCapacity) + _options.PrepareWorkers + _options.EncodeWorkers;
            var regionBytes = checked(readBox.VoxelCount * channels * info.DataType.ByteSize());
            var reading = VolumeArray.WorstCaseMemoryBytes(info, _read.CacheMaxBytes, _read.ReadConcurrency, readBox.Size);
            memoryBound = checked(reading + (inFlight * regionBytes));
            if (memoryBound > _read.MaxMemory)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"The run's memory bound {memoryBound} bytes is above the limit {_read.MaxMemory} (Read(r => r.MaxMemoryBytes(…))): cache {_read.CacheMaxBytes} + read concurrency {_read.ReadConcurrency} × decoded chunk {info.ChunkByteCount} + (1 + {inFlight} blocks in flight) × read box {readBox.Size} of {regionBytes} bytes. Choose smaller blocks, a smaller cache or fewer concurrent reads."));
            }
        }

        if (problems.Count > 0)
        {
            throw new ValidationException($"VolumePipeline over '{opened.Name}': {string.Join(" ", problems)}");
        }

        var metrics = VolumeMetrics.For(_meterFactory);
        var cache = new ChunkCache(_read.CacheMaxBytes, _meterFactory);
        var array = new VolumeArray(opened.Array, cache, readOptions, _timeProvider, _loggerFactory, _meterFactory);
        var normalization = await NormalizationResolver.ResolveAsync(array, _embed.Normalization, cancellationToken).ConfigureAwait(false);
        var blockGrid = new BlockGrid(array.Shape, gridOptions);
        var layout = BlockRowLayout.Create(_embed, blockGrid);
        var rows = new VolumeBlockRows(_embed.Granularity, _embed.PointColumns);
        var source = new VolumeBlockSource(array, blockGrid, model!, layout, rows, normalization, opened.Name, opened.Level, opened.VoxelSize,
            _failurePolicy, (_blocks.SkipsEmpty, _blocks.SkipPredicate is not null), metrics, _timeProvider);
        var measured = new MeasuredBlockModel(model!, source, metrics);
        var options = _options;
        var builder = EmbeddingPipeline.From(source, rows)
            .Embed(measured)
            .To(_store!, _table!)
            .Configure(o =>
            {
                o.RunId = options.RunId;
                o.Shard = options.Shard;
                o.Restart = options.Restart;
                o.CheckpointInterval = options.CheckpointInterval;
                o.CheckpointRows = options.CheckpointRows;
                o.CheckpointRecords = options.CheckpointRecords;
                o.RetryQuarantined = options.RetryQuarantined;
                o.ChunkSize = options.ChunkSize;
                o.TokensPerBatch = options.TokensPerBatch;
                o.PrepareWorkers = options.PrepareWorkers;
                o.EncodeWorkers = options.EncodeWorkers;
                o.QueueCapacity = options.QueueCapacity;
            })
            .OnBadRecords(options.BadRecords, _quarantine)
            .UseLoggerFactory(_loggerFactory)
            .UseTimeProvider(_timeProvider);
        foreach (var (key, value) in TableMetadata(source, opened, info))
        {
            builder = builder.WithTableMetadata(key, value);
        }

        if (_meterFactory is not null)
        {
            builder = builder.UseMeterFactory(_meterFactory);
        }

        var logger = _loggerFactory.CreateLogger<VolumePipeline>();
        VolumePipelineLog.Built(logger, opened.Name, shape.ToString(), info.DataType.ToString().ToLowerInvariant(), blockGrid.Count, blockSize.ToString(),
            halo.ToString(), readBox.Size.ToString(), layout.Setting, normalization.ToSetting(), memoryBound);
        return new VolumePipeline(builder.Build(), source, measured, logger, _timeProvider);
    }

    /// <summary>Builds the pipeline and runs it: <see cref="BuildAsync"/> then <see cref="VolumePipeline.RunAsync"/>.</summary>
    /// <param name="progress">Receives progress snapshots, about once a second and at each commit.</param>
    /// <param name="cancellationToken">Stops the run; what is done is committed first.</param>
    /// <returns>The run's summary.</returns>
    public async Task<VolumeRunResult> RunAsync(IProgress<VolumeProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var pipeline = await BuildAsync(cancellationToken).ConfigureAwait(false);
        return await pipeline.RunAsync(progress, cancellationToken).ConfigureAwait(false);
    }

    private static void CheckModel(IVolumeEmbeddingModel model, OpenedVolume opened, Arrays.ChunkedArrayInfo info, long channels, Index3 halo, Index3 blockSize, List<string> problems)
    {
        var name = model.Descriptor.Name;
        var context = Index3.Max(model.Context, model.ContextAfter);
        string[] axes = ["z", "y", "x"];
        for (var axis = 0; axis < 3; axis++)
        {
            if (halo[axis] < context[axis])
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"The halo {halo[axis]} is less than the model's context {context[axis]} ({axes[axis]}): use Halo(HaloSize.Auto) or a halo of at least {context[axis]}."));
            }

            var stride = model.OutputStride[axis];
            if (stride < 1)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"The model '{name}' reports an output stride of {stride} ({axes[axis]})."));
            }
            else if (blockSize[axis] % stride != 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"The block size {blockSize[axis]} is not a multiple of the model's output stride {stride} ({axes[axis]})."));
            }
        }

        if (channels != model.InputChannels)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture,
                $"The array '{opened.Name}' ({info.DataType.ToString().ToLowerInvariant()}) has {channels} channel(s); the model '{name}' takes {model.InputChannels}."));
        }

        if (!model.Accepts(info.DataType))
        {
            problems.Add($"The array '{opened.Name}' holds {info.DataType.ToString().ToLowerInvariant()} voxels ({channels} channel(s)), which the model '{name}' does not take.");
        }
    }

    private void CheckRows(Index3 shape, List<string> problems)
    {
        if (_embed.Granularity != RowGranularity.Point)
        {
            return;
        }

        var volume = Box3.FromShape(shape);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var point in _embed.Points)
        {
            if (string.IsNullOrEmpty(point.Id))
            {
                problems.Add($"A point at {point.Voxel} has no id.");
            }
            else if (!ids.Add(point.Id))
            {
                problems.Add($"The point id '{point.Id}' is given twice.");
            }

            if (!volume.Contains(point.Voxel))
            {
                problems.Add($"The point '{point.Id}' at {point.Voxel} lies outside the volume {shape}.");
            }
        }

        var reserved = new VolumeBlockRows(RowGranularity.Point, []).Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var column in _embed.PointColumns)
        {
            if (!reserved.Add(column.Name))
            {
                problems.Add($"The point column '{column.Name}' is a column the pipeline writes itself, or is given twice.");
            }
        }
    }

    private static Dictionary<string, string> TableMetadata(VolumeBlockSource source, OpenedVolume opened, Arrays.ChunkedArrayInfo info)
    {
        var settings = source.Descriptor.Settings;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [NormalizationMetadataKey] = source.Normalization.ToSetting(),
            ["connectomics.volume.normalization.scale"] = source.Normalization.Scale.ToString("R", CultureInfo.InvariantCulture),
            ["connectomics.volume.normalization.shift"] = source.Normalization.Shift.ToString("R", CultureInfo.InvariantCulture),
            ["connectomics.volume.source"] = opened.Name,
            ["connectomics.volume.level"] = opened.Level.ToString(CultureInfo.InvariantCulture),
            ["connectomics.volume.array"] = settings["volume"],
            ["connectomics.volume.format"] = info.Format.ToString(),
            ["connectomics.volume.voxel_size_nm"] = string.Create(CultureInfo.InvariantCulture, $"{opened.VoxelSize.Z:R}, {opened.VoxelSize.Y:R}, {opened.VoxelSize.X:R}"),
            ["connectomics.volume.block_size"] = settings["block.size"],
            ["connectomics.volume.halo"] = settings["block.halo"],
            ["connectomics.volume.boundary"] = settings["boundary"],
            ["connectomics.volume.rows"] = settings["rows"],
        };
    }

    private void EnsureNotBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException("This volume pipeline builder has been built already; create a new one.");
        }
    }
}
