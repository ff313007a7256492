using System.Collections.Concurrent;
using System.Diagnostics;
using Connectomics.Devices;
using Connectomics.Gpu.Models;
using Connectomics.Gpu.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Inference;

/// <summary>
/// One loop computing batches of one model on one device, on a dedicated thread: libtorch's dispose scopes,
/// inference-mode guards and intra-op thread counts are per thread, and one loop per device keeps the device's work
/// ordered. Several loops may share one model on the CPU (read-only during inference); the one that owns it releases
/// it.
/// </summary>
internal sealed class DeviceReplica : IDisposable
{
    private readonly EsmEncoderModel _model;
    private readonly Device _device;
    private readonly BlockingCollection<DeviceBatch> _queue;
    private readonly Thread _thread;
    private readonly EmbeddingPooling _pooling;
    private readonly EmbedderTelemetry _telemetry;
    private readonly int? _threads;
    private readonly ThreadIntraOpThreads? _threadCounts;
    private readonly bool _ownsModel;

    public DeviceReplica(
        EsmEncoderModel model,
        ComputeDevice device,
        BlockingCollection<DeviceBatch> queue,
        EmbeddingPooling pooling,
        EmbedderTelemetry telemetry,
        int? threads = null,
        ThreadIntraOpThreads? threadCounts = null,
        bool ownsModel = true,
        int worker = 0)
    {
        _model = model;
        _threads = threads;
        _threadCounts = threadCounts;
        _ownsModel = ownsModel;
        ComputeDevice = device;
        _device = device.Kind == DeviceKind.Cuda ? new Device(DeviceType.CUDA, device.Index) : torch.CPU;
        _queue = queue;
        _pooling = pooling;
        _telemetry = telemetry;
        _thread = new Thread(Run) { IsBackground = true, Name = worker == 0 ? $"connectomics-embed-{device}" : $"connectomics-embed-{device}-{worker}" };
        _thread.Start();
    }

    public ComputeDevice ComputeDevice { get; }

    /// <summary>Tells whether this loop releases <paramref name="model"/> when disposed.</summary>
    /// <param name="model">A model.</param>
    /// <returns><see langword="true"/> if this loop owns it.</returns>
    public bool Owns(EsmEncoderModel model) => _ownsModel && ReferenceEquals(model, _model);

    /// <summary>Gets a value indicating whether this loop owns its model (one per model replica).</summary>
    public bool OwnsModel => _ownsModel;

    /// <summary>Waits for every loop to drain (the owner completes the shared queue first), then releases the
    /// weights: no loop still computes with a model its owner releases.</summary>
    /// <param name="replicas">The loops, in any order.</param>
    public static void DisposeAll(IEnumerable<DeviceReplica> replicas)
    {
        var all = replicas.ToList();
        foreach (var replica in all)
        {
            replica._thread.Join();
        }

        foreach (var replica in all)
        {
            replica.Dispose();
        }
    }

    /// <summary>Waits for the loop to drain, then releases the weights if this loop owns them; use
    /// <see cref="DisposeAll"/> for loops that share a model.</summary>
    public void Dispose()
    {
        _thread.Join();
        if (_ownsModel)
        {
            _model.Dispose();
        }
    }

    private void Run()
    {
        if (_threads is int threads)
        {
            // This thread's OpenMP and MKL counts only: the process's default and other loops are left alone.
            (_threadCounts ?? TorchRuntime.EnsureApplied().ThreadCounts).SetForCurrentThread(threads);
        }

        foreach (var batch in _queue.GetConsumingEnumerable())
        {
            if (batch.CancellationToken.IsCancellationRequested)
            {
                batch.Completion.TrySetCanceled(batch.CancellationToken);
                continue;
            }

            try
            {
                var started = Stopwatch.GetTimestamp();
                var result = BatchEncoder.EncodeAndPool(_model, _device, batch.Windows, _pooling);
                _telemetry.RecordBatch(ComputeDevice, batch.Windows, Stopwatch.GetElapsedTime(started));
                batch.Completion.TrySetResult(result);
            }
            catch (Exception e)
            {
                batch.Completion.TrySetException(e);
            }
        }
    }
}
