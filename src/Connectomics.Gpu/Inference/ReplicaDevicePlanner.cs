using Connectomics.Devices;
using Connectomics.Gpu.Models;
using TorchSharp;

namespace Connectomics.Gpu.Inference;

/// <summary>Turns a <see cref="DeviceSelection"/> into the devices that get a model replica, checking that every
/// requested CUDA device exists.</summary>
internal static class ReplicaDevicePlanner
{
    /// <summary>Resolves the selection against the CUDA devices TorchSharp sees.</summary>
    /// <param name="selection">The selection.</param>
    /// <returns>The devices, one replica each.</returns>
    /// <exception cref="ModelConfigurationException">A requested CUDA device does not exist.</exception>
    public static List<ComputeDevice> Resolve(DeviceSelection selection)
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
}
