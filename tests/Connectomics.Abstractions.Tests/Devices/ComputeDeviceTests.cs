using Connectomics.Devices;

namespace Connectomics.Abstractions.Tests.Devices;

public sealed class ComputeDeviceTests
{
    [Fact]
    public void Devices_are_equal_by_kind_and_index_whatever_their_description()
    {
        var described = ComputeDevice.Cuda(1) with { Name = "NVIDIA H200", TotalMemoryBytes = 150_000_000_000 };

        Assert.Equal(ComputeDevice.Cuda(1), described);
        Assert.Equal(ComputeDevice.Cuda(1).GetHashCode(), described.GetHashCode());
        Assert.NotEqual(ComputeDevice.Cuda(0), described);
        Assert.NotEqual(ComputeDevice.Cpu, ComputeDevice.Cuda(0));
    }

    [Fact]
    public void Cuda_refuses_a_negative_ordinal() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ComputeDevice.Cuda(-1));

    [Theory]
    [InlineData("cpu", DeviceKind.Cpu, 0)]
    [InlineData("CUDA", DeviceKind.Cuda, 0)]
    [InlineData("cuda:12", DeviceKind.Cuda, 12)]
    public void Parse_reads_cpu_and_cuda_ordinals(string text, DeviceKind kind, int index)
    {
        var device = ComputeDevice.Parse(text);

        Assert.Equal(kind, device.Kind);
        Assert.Equal(index, device.Index);
    }

    [Theory]
    [InlineData("cuda:+1")]
    [InlineData("cuda: 1")]
    [InlineData("tpu")]
    public void Parse_refuses_anything_else(string text) =>
        Assert.Throws<FormatException>(() => ComputeDevice.Parse(text));
}
