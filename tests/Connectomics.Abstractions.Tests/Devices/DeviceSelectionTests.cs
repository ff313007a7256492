using Connectomics.Devices;

namespace Connectomics.Abstractions.Tests.Devices;

public sealed class DeviceSelectionTests
{
    [Theory]
    [InlineData("auto", DeviceSelectionMode.Auto, "auto")]
    [InlineData(" AUTO ", DeviceSelectionMode.Auto, "auto")]
    [InlineData("cuda:all", DeviceSelectionMode.AllCuda, "cuda:all")]
    [InlineData("cpu", DeviceSelectionMode.Explicit, "cpu")]
    [InlineData("cuda", DeviceSelectionMode.Explicit, "cuda:0")]
    [InlineData("Cuda:3", DeviceSelectionMode.Explicit, "cuda:3")]
    [InlineData("cuda:0, 1,3", DeviceSelectionMode.Explicit, "cuda:0,1,3")]
    public void Parse_reads_every_documented_form_and_prints_it_back(string text, DeviceSelectionMode mode, string printed)
    {
        var selection = DeviceSelection.Parse(text);

        Assert.Equal(mode, selection.Mode);
        Assert.Equal(printed, selection.ToString());
        Assert.Equal(printed, DeviceSelection.Parse(printed).ToString());
    }

    [Fact]
    public void A_device_list_keeps_its_order()
    {
        var selection = DeviceSelection.Parse("cuda:2,0");

        Assert.Equal([ComputeDevice.Cuda(2), ComputeDevice.Cuda(0)], selection.Devices);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("cuda:0,x")]
    [InlineData("cuda:0,0")]
    [InlineData("")]
    public void Parse_refuses_text_that_names_no_selection_and_quotes_it(string text)
    {
        var error = Assert.Throws<FormatException>(() => DeviceSelection.Parse(text));

        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_refuses_no_device_a_repeated_device_and_a_cpu_among_several()
    {
        Assert.Throws<ArgumentException>(() => DeviceSelection.Of());
        Assert.Throws<ArgumentException>(() => DeviceSelection.Of(ComputeDevice.Cuda(1), ComputeDevice.Cuda(1)));
        var mixed = Assert.Throws<ArgumentException>(() => DeviceSelection.Of(ComputeDevice.Cpu, ComputeDevice.Cuda(0)));
        Assert.Contains("CUDA", mixed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cpu_selection_holds_exactly_the_cpu()
    {
        Assert.Equal(DeviceSelectionMode.Explicit, DeviceSelection.Cpu.Mode);
        Assert.Equal([ComputeDevice.Cpu], DeviceSelection.Cpu.Devices);
        Assert.Empty(DeviceSelection.Auto.Devices);
        Assert.Empty(DeviceSelection.AllCuda.Devices);
    }
}
