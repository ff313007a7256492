using System.Collections.Concurrent;
using System.Diagnostics;
using Connectomics.Devices;
using Connectomics.Gpu.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Inference;

/// <summary>
/// One copy of the model on one device, fed by a dedicated thread: libtorch's dispose scopes and inference-mode
/// guards are per thread, and one loop per device keeps the device's work ordered.
/// </summary>
internal sealed class DeviceReplica : IDisposable
{
    private readonly EsmEncoderModel _model;
    private readonly Device _device;
    private readonly BlockingCollection<DeviceBatch> _queue;
    private readonly Thread _thread;
    private readonly EmbeddingPooling _pooling;
    private readonly EmbedderTelemetry _telemetry;

    public DeviceReplica(EsmEncoderModel model, ComputeDevice device, BlockingCollection<DeviceBatch> queue, EmbeddingPooling pooling, EmbedderTelemetry telemetry)
    {
        _model = model;
        ComputeDevice = device;
        _device = device.Kind == DeviceKind.Cuda ? new Device(DeviceType.CUDA, device.Index) : torch.CPU;
        _queue = queue;
        _pooling = pooling;
        _telemetry = telemetry;
        _thread = new Thread(Run) { IsBackground = true, Name = $"connectomics-embed-{device}" };
        _thread.Start();
    }

    public ComputeDevice ComputeDevice { get; }

    public void Dispose()
    {
        // The owner completes the shared queue; wait for the loop to drain before releasing the weights.
        _thread.Join();
        _model.Dispose();
    }

    private void Run()
    {
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
