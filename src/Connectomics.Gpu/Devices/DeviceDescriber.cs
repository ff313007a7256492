using System.Runtime.InteropServices;
using System.Text;
using Connectomics.Devices;

namespace Connectomics.Gpu.Devices;

/// <summary>
/// Fills in the name and total memory of a <see cref="ComputeDevice"/>: for CUDA devices from the CUDA driver
/// (<c>libcuda.so.1</c>, installed with every NVIDIA driver; ordinals follow <c>CUDA_VISIBLE_DEVICES</c> as in
/// libtorch), for the CPU from <c>/proc/cpuinfo</c> and the memory the runtime may use.
/// </summary>
internal static partial class DeviceDescriber
{
    private const string CudaDriver = "libcuda.so.1";

    /// <summary>Returns <paramref name="device"/> with <see cref="ComputeDevice.Name"/> and
    /// <see cref="ComputeDevice.TotalMemoryBytes"/> set where the system can tell; unchanged otherwise.</summary>
    /// <param name="device">The device.</param>
    /// <returns>The described device (equal to <paramref name="device"/>).</returns>
    public static ComputeDevice Describe(ComputeDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.Kind == DeviceKind.Cpu ? DescribeCpu(device) : DescribeCuda(device);
    }

    private static ComputeDevice DescribeCpu(ComputeDevice device)
    {
        string? name = null;
        if (File.Exists("/proc/cpuinfo"))
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            name = line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }

        name = $"{name ?? RuntimeInformation.ProcessArchitecture.ToString()} ({Environment.ProcessorCount} logical cores)";
        return device with { Name = name, TotalMemoryBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes };
    }

    private static ComputeDevice DescribeCuda(ComputeDevice device)
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad(CudaDriver, out _))
        {
            return device;
        }

        try
        {
            if (CuInit(0) != 0 || CuDeviceGet(out var handle, device.Index) != 0)
            {
                return device;
            }

            var buffer = new byte[256];
            string? name = null;
            if (CuDeviceGetName(buffer, buffer.Length, handle) == 0)
            {
                var end = Array.IndexOf(buffer, (byte)0);
                name = Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
            }

            long? memory = CuDeviceTotalMem(out var bytes, handle) == 0 ? (long)bytes : null;
            return device with { Name = name, TotalMemoryBytes = memory };
        }
        catch (EntryPointNotFoundException)
        {
            return device;
        }
    }

    [LibraryImport(CudaDriver, EntryPoint = "cuInit")]
    private static partial int CuInit(uint flags);

    [LibraryImport(CudaDriver, EntryPoint = "cuDeviceGet")]
    private static partial int CuDeviceGet(out int device, int ordinal);

    [LibraryImport(CudaDriver, EntryPoint = "cuDeviceGetName")]
    private static partial int CuDeviceGetName([Out] byte[] name, int length, int device);

    [LibraryImport(CudaDriver, EntryPoint = "cuDeviceTotalMem_v2")]
    private static partial int CuDeviceTotalMem(out nuint bytes, int device);
}
