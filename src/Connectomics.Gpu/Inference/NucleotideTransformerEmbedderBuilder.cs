using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Connectomics.Devices;
using Connectomics.Gpu.Devices;
using Connectomics.Gpu.Models;
using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Tokenization;
using Connectomics.Gpu.Weights;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

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
    private string? _checkpoint;
    private EsmConfig? _config;
    private string? _name;
    private long _seed;
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
        _checkpoint = directory;
        _config = null;
        _name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
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
        _config = config;
        _checkpoint = null;
        _seed = seed;
        _name = name;
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

    /// <summary>Validates everything, loads the weights onto every device and starts the device loops.</summary>
    /// <returns>The embedder.</returns>
    /// <exception cref="InvalidOperationException">No model was chosen, or the builder was already used.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is invalid.</exception>
    /// <exception cref="ModelConfigurationException">The checkpoint's configuration cannot be used, or a requested
    /// device does not exist.</exception>
    public NucleotideTransformerEmbedder Build()
    {
        ThrowIfBuilt();
        if (_checkpoint is null && _config is null)
        {
            throw new InvalidOperationException("Choose a model first: FromPretrained(directory), FromPreset(name) or FromConfig(config).");
        }

        var options = _options.Clone();
        options.Validate();
        _built = true;
        var nativeStatus = TorchNativeRuntime.EnsureLoaded();
        var logger = _loggerFactory.CreateLogger<NucleotideTransformerEmbedder>();

        var config = _checkpoint is null ? _config! : EsmConfig.FromHuggingFaceFile(_checkpoint);
        if (options.MaxTokens is int maxTokens && config.PositionEmbeddingType == PositionEmbeddingType.Absolute
            && maxTokens + config.PadTokenId + 1 > config.MaxPositionEmbeddings)
        {
            throw new ModelConfigurationException(
                $"MaxTokens {maxTokens} exceeds what the {config.MaxPositionEmbeddings}-row position table of this model allows ({config.MaxPositionEmbeddings - config.PadTokenId - 1}).");
        }

        var vocabulary = ChooseVocabulary(config);
        var tokenizer = new NucleotideTokenizer(vocabulary, options.Tokenizer);
        var devices = ReplicaDevicesOverride?.ToList() ?? ResolveDevices(options.Device);
        if (options.TuneNativeHeap)
        {
            NativeHeapTuning.Apply();
        }

        var availableMemory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var batchTokens = NucleotideTransformerEmbedder.EffectiveBatchTokens(config, options, cpuOnly: devices.All(d => d.Kind == DeviceKind.Cpu));
        var cpuPlan = CpuWorkerPlan.Resolve(
            options.CpuWorkers,
            options.CpuThreads,
            defaultThreads: torch.get_num_threads(),
            mklDispatchesOnCpuFeatures: nativeStatus.MklDispatch == MklVendorDispatch.Redirected,
            availableMemoryBytes: availableMemory,
            workerBytes: CpuWorkerPlan.EstimateWorkerBytes(config, batchTokens));
        if (options.CpuThreads is int threads)
        {
            torch.set_num_threads(threads);
        }

        var master = new EsmEncoderModel(config, options.Attention);
        var replicas = new List<DeviceReplica>();
        var queue = new BlockingCollection<DeviceBatch>();
        try
        {
            if (_checkpoint is null)
            {
                master.InitializeWeights(_seed);
            }
            else
            {
                var loaded = StateDictLoader.Load(master, _checkpoint);
                Log.WeightsLoaded(logger, _name!, loaded.LoadedKeys.Count, loaded.CheckpointPath);
            }

            master.eval();
            var telemetry = new EmbedderTelemetry(_name!, _meterFactory);
            for (var i = 0; i < devices.Count; i++)
            {
                var model = i == devices.Count - 1 ? master : CloneOnCpu(master, config);
                PlaceOnDevice(model, devices[i], options.CudaPrecision);
                var described = DeviceDescriber.Describe(devices[i]);
                if (devices[i].Kind == DeviceKind.Cpu)
                {
                    // The workers share the weights; the first owns them.
                    for (var worker = 0; worker < cpuPlan.Workers; worker++)
                    {
                        replicas.Add(new DeviceReplica(model, described, queue, options.Pooling, telemetry, cpuPlan.ThreadsPerWorker, ownsModel: worker == 0, worker));
                    }
                }
                else
                {
                    replicas.Add(new DeviceReplica(model, described, queue, options.Pooling, telemetry));
                }
            }
        }
        catch
        {
            queue.CompleteAdding();
            DeviceReplica.DisposeAll(replicas);

            if (!replicas.Any(r => r.Owns(master)))
            {
                master.Dispose();
            }

            queue.Dispose();
            throw;
        }

        var cpuWorkers = devices.Any(d => d.Kind == DeviceKind.Cpu) ? cpuPlan.Workers : 0;
        Log.EmbedderReady(logger, _name!, config.HiddenSize, config.NumHiddenLayers, string.Join(",", devices), nativeStatus.Mode.ToString());
        if (cpuWorkers > 0)
        {
            var threadsPerWorker = cpuPlan.ThreadsPerWorker ?? torch.get_num_threads();
            Log.CpuWorkersPlanned(logger, cpuWorkers, threadsPerWorker, nativeStatus.MklDispatch ?? "unknown");
            if (cpuPlan.LimitedByMemory)
            {
                Log.CpuWorkersLimitedByMemory(logger, cpuWorkers, availableMemory >> 20);
            }

            if (threadsPerWorker > 1 && nativeStatus.MklDispatch == MklVendorDispatch.Redirected)
            {
                Log.MultiThreadedMklWithCpuFeatureDispatch(logger, threadsPerWorker);
            }
        }

        return new NucleotideTransformerEmbedder(_name!, config, tokenizer, queue, replicas, options, logger, cpuWorkers, batchTokens);
    }

    private static void PlaceOnDevice(EsmEncoderModel model, ComputeDevice device, ComputePrecision cudaPrecision)
    {
        if (device.Kind != DeviceKind.Cuda)
        {
            return;
        }

        var precision = cudaPrecision switch
        {
            ComputePrecision.BFloat16 => ScalarType.BFloat16,
            ComputePrecision.Float16 => ScalarType.Float16,
            _ => ScalarType.Float32,
        };
        model.to(new Device(DeviceType.CUDA, device.Index));
        if (precision != ScalarType.Float32)
        {
            model.UseProjectionPrecision(precision);
        }
    }

    private static EsmEncoderModel CloneOnCpu(EsmEncoderModel master, EsmConfig config)
    {
        var copy = new EsmEncoderModel(config);
        using (torch.no_grad())
        {
            var source = master.state_dict();
            foreach (var (name, tensor) in copy.state_dict())
            {
                tensor.copy_(source[name]);
            }
        }

        copy.eval();
        return copy;
    }

    private NucleotideVocabulary ChooseVocabulary(EsmConfig config)
    {
        if (_checkpoint is not null)
        {
            var vocabFile = Path.Combine(_checkpoint, "vocab.txt");
            if (File.Exists(vocabFile))
            {
                var vocabulary = NucleotideVocabulary.FromFile(vocabFile, config.VocabSize);
                return vocabulary;
            }
        }

        return config.VocabSize switch
        {
            4105 => NucleotideVocabulary.V1,
            4107 => NucleotideVocabulary.V2,
            _ => throw new ModelConfigurationException(
                $"vocab_size {config.VocabSize} is neither NT v1 (4105) nor v2 (4107); put the model's vocab.txt beside config.json."),
        };
    }

    private static List<ComputeDevice> ResolveDevices(DeviceSelection selection)
    {
        var cudaCount = torch.cuda.is_available() ? torch.cuda.device_count() : 0;
        switch (selection.Mode)
        {
            case DeviceSelectionMode.Auto:
                return [cudaCount > 0 ? ComputeDevice.Cuda(0) : ComputeDevice.Cpu];
            case DeviceSelectionMode.AllCuda:
                if (cudaCount == 0)
                {
                    throw new ModelConfigurationException("'cuda:all' was requested but TorchSharp sees no CUDA device (is a CUDA backend such as TorchSharp-cuda-linux referenced?).");
                }

                return Enumerable.Range(0, cudaCount).Select(ComputeDevice.Cuda).ToList();
            default:
                foreach (var device in selection.Devices.Where(d => d.Kind == DeviceKind.Cuda && d.Index >= cudaCount))
                {
                    throw new ModelConfigurationException(
                        $"{device} was requested but TorchSharp sees {cudaCount} CUDA device(s) (is a CUDA backend such as TorchSharp-cuda-linux referenced?).");
                }

                return [.. selection.Devices];
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
