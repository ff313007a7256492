using System.Collections.Concurrent;
using Connectomics.Devices;
using Connectomics.Gpu.Devices;
using Connectomics.Gpu.Models;
using Connectomics.Gpu.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Inference;

/// <summary>
/// Places the master model on every planned device (copies for all but the last) and starts the device loops that
/// take batches from one shared queue: one loop per CUDA device, <see cref="CpuWorkerPlan.Workers"/> loops sharing one
/// model on the CPU.
/// </summary>
internal static class DeviceReplicaFactory
{
    /// <summary>Starts the loops. On failure every loop started is joined and every model released, the master
    /// included, before the exception propagates.</summary>
    /// <param name="master">The loaded master model (on the CPU); ownership passes to the loops.</param>
    /// <param name="config">Its configuration.</param>
    /// <param name="devices">The devices, one replica each.</param>
    /// <param name="cpuPlan">How a CPU device spreads its work.</param>
    /// <param name="options">The embedder's options (pooling, CUDA precision).</param>
    /// <param name="telemetry">Where the loops record their batches.</param>
    /// <param name="threadCounts">How a CPU worker sets its own thread's libtorch thread count.</param>
    /// <returns>The shared queue and the loops.</returns>
    public static (BlockingCollection<DeviceBatch> Queue, List<DeviceReplica> Replicas) Start(
        EsmEncoderModel master,
        EsmConfig config,
        IReadOnlyList<ComputeDevice> devices,
        CpuWorkerPlan cpuPlan,
        NucleotideTransformerEmbedderOptions options,
        EmbedderTelemetry telemetry,
        ThreadIntraOpThreads threadCounts)
    {
        var replicas = new List<DeviceReplica>();
        var queue = new BlockingCollection<DeviceBatch>();
        try
        {
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
                        replicas.Add(new DeviceReplica(
                            model, described, queue, options.Pooling, telemetry, cpuPlan.ThreadsPerWorker, threadCounts, ownsModel: worker == 0, worker));
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

        return (queue, replicas);
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
}
