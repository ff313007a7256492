using System.Diagnostics;
using System.Diagnostics.Metrics;
using Connectomics.Devices;
using Connectomics.Embeddings;
using Connectomics.Gpu.Models;
using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Tokenization;
using Connectomics.Gpu.Weights;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Connectomics.Gpu.Inference;

/// <summary>
/// Builds a <see cref="NucleotideTransformerEmbedder"/>: which model (a Hugging Face checkpoint directory, or a
/// preset with reproducible random weights), where it runs and how. Single use: <see cref="Build"/> once.
/// </summary>
/// <example>
/// <code>
/// using var embedder = NucleotideTransformerEmbedder.CreateBuilder()
///     .FromPretrained("/models/nucleotide-transformer-v2-50m-multi-species")
///     .OnDevice(DeviceSelection.Auto)
///     .Configure(o => o.MaxBatchTokens = 16_384)
///     .Build();
/// var vectors = await embedder.EmbedAsync(records, cancellationToken);
/// </code>
/// </example>
public sealed class NucleotideTransformerEmbedderBuilder
{
    private NucleotideTransformerEmbedderOptions _options = new();
    private EncoderSource? _source;
    private ILoggerFactory _loggerFactory = NullLoggerFactory.Instance;
    private IMeterFactory? _meterFactory;
    private bool _built;

    /// <summary>Gets or sets the devices to place replicas on, bypassing <see cref="DeviceSelection"/> (tests use it to
    /// run the data-parallel path with several CPU replicas).</summary>
    internal IReadOnlyList<ComputeDevice>? ReplicaDevicesOverride { get; set; }

    /// <summary>Uses a Hugging Face checkpoint directory: <c>config.json</c>, <c>model.safetensors</c> or sharded
    /// safetensors with <c>model.safetensors.index.json</c>, and optionally <c>vocab.txt</c> and
    /// <c>tokenizer_config.json</c>.</summary>
    /// <param name="directory">The checkpoint directory.</param>
    /// <returns>This builder.</returns>
    public NucleotideTransformerEmbedderBuilder FromPretrained(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ThrowIfBuilt();
        _source = new EncoderSource(directory, null, 0, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory))));
        return this;
    }

    /// <summary>Uses a preset shape (see <see cref="NucleotideTransformerPresets"/>) with random weights drawn
    /// reproducibly from <paramref name="seed"/>.</summary>
    /// <param name="name">The preset name, e.g. <c>tiny</c> or <c>v2-50m</c>.</param>
    /// <param name="seed">The seed of the random weights.</param>
    /// <returns>This builder.</returns>
    public NucleotideTransformerEmbedderBuilder FromPreset(string name, long seed = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return FromConfig(NucleotideTransformerPresets.Get(name), seed, name.Trim().ToLowerInvariant());
    }

    /// <summary>Uses an explicit shape with random weights drawn reproducibly from <paramref name="seed"/>.</summary>
    /// <param name="config">The shape.</param>
    /// <param name="seed">The seed of the random weights.</param>
    /// <param name="name">The name used in logs and metrics.</param>
    /// <returns>This builder.</returns>
    public NucleotideTransformerEmbedderBuilder FromConfig(EsmConfig config, long seed = 0, string name = "custom")
    {
        ArgumentNullException.ThrowIfNull(config);
        ThrowIfBuilt();
        config.Validate();
        _source = new EncoderSource(null, config, seed, name);
        return this;
    }

    /// <summary>
    /// Uses the weights an in-memory model holds when <see cref="Build"/> runs (for example a base model with a LoRA
    /// adapter merged into it). The embedder copies them; the caller keeps and disposes <paramref name="model"/>.
    /// Its projections must be plain linear layers (adapters merged and removed), and its vocabulary is used.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <returns>This builder.</returns>
    public NucleotideTransformerEmbedderBuilder FromModel(NucleotideTransformerModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ThrowIfBuilt();
        _source = new EncoderSource(null, model.Config, 0, model.Name) { Model = model };
        return this;
    }

    /// <summary>Chooses the devices.</summary>
    /// <param name="device">The selection.</param>
    /// <returns>This builder.</returns>
    public NucleotideTransformerEmbedderBuilder OnDevice(DeviceSelection device)
    {
        ArgumentNullException.ThrowIfNull(device);
        ThrowIfBuilt();
        _options.Device = device;
        return this;
    }

    /// <summary>Chooses the devices from text: <c>auto</c>, <c>cpu</c>, <c>cuda:1</c>, <c>cuda:0,1</c>, <c>cuda:all</c>.</summary>
    /// <param name="device">The selection.</param>
    /// <returns>This builder.</returns>
    public NucleotideTransformerEmbedderBuilder OnDevice(string device) => OnDevice(DeviceSelection.Parse(device));

    /// <summary>Adjusts the options.</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>This builder.</returns>
    public NucleotideTransformerEmbedderBuilder Configure(Action<NucleotideTransformerEmbedderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ThrowIfBuilt();
        configure(_options);
        return this;
    }

    /// <summary>Replaces the options with <paramref name="options"/> (copied when the embedder is built).</summary>
    /// <param name="options">The options.</param>
    /// <returns>This builder.</returns>
    public NucleotideTransformerEmbedderBuilder WithOptions(NucleotideTransformerEmbedderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ThrowIfBuilt();
        _options = options;
        return this;
    }

    /// <summary>Sends logs to <paramref name="loggerFactory"/>.</summary>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <returns>This builder.</returns>
    public NucleotideTransformerEmbedderBuilder WithLoggerFactory(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ThrowIfBuilt();
        _loggerFactory = loggerFactory;
        return this;
    }

    /// <summary>Creates the metrics' meter from <paramref name="meterFactory"/> instead of the shared static meter.</summary>
    /// <param name="meterFactory">The meter factory.</param>
    /// <returns>This builder.</returns>
    public NucleotideTransformerEmbedderBuilder WithMeterFactory(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ThrowIfBuilt();
        _meterFactory = meterFactory;
        return this;
    }

    /// <summary>Validates everything, loads the weights, fingerprints them (<see cref="NucleotideTransformerEmbedder.Descriptor"/>),
    /// places them on every device and starts the device loops. The first use
    /// of the library applies the TorchSharp runtime's defaults unless the application configured it
    /// (<see cref="TorchRuntime.Configure(TorchRuntimeOptions, ILogger?)"/>).</summary>
    /// <returns>The embedder.</returns>
    /// <exception cref="InvalidOperationException">No model was chosen, or the builder was already used.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is invalid.</exception>
    /// <exception cref="ModelConfigurationException">The checkpoint's configuration cannot be used, or a requested
    /// device does not exist.</exception>
    /// <exception cref="TorchRuntimeException">TorchSharp's native library cannot be loaded.</exception>
    public NucleotideTransformerEmbedder Build()
    {
        ThrowIfBuilt();
        var source = _source
            ?? throw new InvalidOperationException("Choose a model first: FromPretrained(directory), FromPreset(name) or FromConfig(config).");
        var options = _options.Clone();
        options.Validate();
        _built = true;
        var runtime = TorchRuntime.EnsureApplied(_loggerFactory.CreateLogger(typeof(TorchRuntime).FullName!));
        var logger = _loggerFactory.CreateLogger<NucleotideTransformerEmbedder>();

        var config = source.ReadConfig();
        ThrowIfMaxTokensExceedPositions(options, config);
        var tokenizer = new NucleotideTokenizer(source.ReadVocabulary(config), options.Tokenizer);
        var devices = ReplicaDevicesOverride?.ToList() ?? ReplicaDevicePlanner.Resolve(options.Device);
        var batchTokens = NucleotideTransformerEmbedder.EffectiveBatchTokens(config, options, cpuOnly: devices.All(d => d.Kind == DeviceKind.Cpu));
        var availableMemory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var cpuPlan = CpuWorkerPlan.Resolve(
            options.CpuWorkers,
            options.CpuThreads,
            defaultThreads: runtime.IntraOpThreads,
            mklDispatchesOnCpuFeatures: runtime.MklDispatchesOnCpuFeatures,
            availableMemoryBytes: availableMemory,
            workerBytes: CpuWorkerPlan.EstimateWorkerBytes(config, batchTokens));

        var master = source.LoadWeights(config, options.Attention, logger);
        ModelDescriptor descriptor;
        try
        {
            // Hashed as loaded, on the CPU, before any replica moves or converts the master's weights.
            var precision = devices.Any(d => d.Kind == DeviceKind.Cuda) ? options.CudaPrecision : ComputePrecision.Float32;
            var started = Stopwatch.GetTimestamp();
            var weights = StateDictDigest.Compute(master);
            descriptor = NucleotideTransformerDescriptor.Create(
                source.Name, config, tokenizer.Vocabulary, weights, options, precision, options.MaxTokens ?? config.MaxTokens);
            Log.ModelFingerprinted(
                logger, source.Name, descriptor.Fingerprint, weights.Count, weights.Sum(w => w.ByteLength) >> 20, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch
        {
            master.Dispose();
            throw;
        }

        var (queue, replicas) = DeviceReplicaFactory.Start(
            master, config, devices, cpuPlan, options, new EmbedderTelemetry(source.Name, _meterFactory), runtime.ThreadCounts);

        var cpuWorkers = devices.Any(d => d.Kind == DeviceKind.Cpu) ? cpuPlan.Workers : 0;
        Log.EmbedderReady(logger, source.Name, config.HiddenSize, config.NumHiddenLayers, string.Join(",", devices), runtime.NativeLibrary.Mode.ToString());
        if (cpuWorkers > 0)
        {
            LogCpuPlan(logger, cpuPlan, runtime, availableMemory);
        }

        return new NucleotideTransformerEmbedder(descriptor, config, tokenizer, queue, replicas, options, logger, cpuWorkers, batchTokens);
    }

    private static void ThrowIfMaxTokensExceedPositions(NucleotideTransformerEmbedderOptions options, EsmConfig config)
    {
        if (options.MaxTokens is int maxTokens && config.PositionEmbeddingType == PositionEmbeddingType.Absolute
            && maxTokens + config.PadTokenId + 1 > config.MaxPositionEmbeddings)
        {
            throw new ModelConfigurationException(
                $"MaxTokens {maxTokens} exceeds what the {config.MaxPositionEmbeddings}-row position table of this model allows ({config.MaxPositionEmbeddings - config.PadTokenId - 1}).");
        }
    }

    private static void LogCpuPlan(ILogger logger, CpuWorkerPlan cpuPlan, TorchRuntimeState runtime, long availableMemory)
    {
        var threadsPerWorker = cpuPlan.ThreadsPerWorker ?? runtime.IntraOpThreads;
        var mklDispatch = runtime[nameof(TorchRuntimeOptions.MklDispatch)].Detail;
        Log.CpuWorkersPlanned(logger, cpuPlan.Workers, threadsPerWorker, mklDispatch);
        if (cpuPlan.LimitedByMemory)
        {
            Log.CpuWorkersLimitedByMemory(logger, cpuPlan.Workers, availableMemory >> 20);
        }

        if (threadsPerWorker > 1 && runtime.MklDispatchesOnCpuFeatures)
        {
            Log.MultiThreadedMklWithCpuFeatureDispatch(logger, threadsPerWorker);
        }
    }

    private void ThrowIfBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException("This builder was already used; create a new one.");
        }
    }
}
