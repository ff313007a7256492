using Connectomics.Devices;
using Connectomics.Gpu.Devices;

namespace Connectomics.Gpu.Tests.Devices;

public sealed class DeviceDescriberTests
{
    [Fact]
    public void The_cpu_is_described_with_its_model_cores_and_memory()
    {
        var cpu = DeviceDescriber.Describe(ComputeDevice.Cpu);
        Assert.Equal(ComputeDevice.Cpu, cpu);
        Assert.Contains($"({Environment.ProcessorCount} logical cores)", cpu.Name, StringComparison.Ordinal);
        var modelName = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("model name", StringComparison.Ordinal)).Split(':', 2)[1].Trim();
        Assert.StartsWith(modelName, cpu.Name, StringComparison.Ordinal);
        Assert.Equal(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, cpu.TotalMemoryBytes);
    }

    [Fact]
    public void A_cuda_device_is_described_by_the_driver_or_left_as_it_is()
    {
        var device = DeviceDescriber.Describe(ComputeDevice.Cuda(0));
        Assert.Equal(ComputeDevice.Cuda(0), device);
        if (!File.Exists("/proc/driver/nvidia/version"))
        {
            Assert.Null(device.Name);
            Assert.Null(device.TotalMemoryBytes);
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(device.Name));
            Assert.True(device.TotalMemoryBytes > 0);
        }
    }
}
