using Connectomics.Gpu.Models.UNet;
using Connectomics.Gpu.Runtime;
using Connectomics.Testing;
using TorchSharp;

namespace Connectomics.Gpu.Tests.Models.UNet;

/// <summary>Random configurations saved by this library, run by the PyTorch reference of funlib's U-Net in a separate
/// process: the same state-dict names and shapes, the same output size, per-voxel outputs within 1e-4.</summary>
public sealed class UNet3dLiveReferenceTests
{
    public UNet3dLiveReferenceTests() => TorchRuntime.EnsureApplied();

    [Theory]
    [InlineData(101)]
    [InlineData(202)]
    [InlineData(303)]
    public async Task A_random_configuration_matches_the_reference(int seed)
    {
        var random = new Random(seed);
        var config = RandomConfig(random);
        using var model = UNet3dModel.FromConfig(config, seed);
        using var directory = new TempDirectory("unet-live");
        model.SavePretrained(directory.Path);

        // A valid input a few strides above the minimum, different per axis.
        var geometry = model.Geometry;
        var size = new VoxelExtent(
            geometry.MinimumInputSize.Z + (geometry.OutputStride.Z * random.Next(0, 2)),
            geometry.MinimumInputSize.Y + (geometry.OutputStride.Y * random.Next(0, 2)),
            geometry.MinimumInputSize.X + (geometry.OutputStride.X * random.Next(0, 2)));
        var input = UNetAssert.RandomInput(config.InChannels * size.Volume, seed);
        int[] shape = [config.InChannels, size.Z, size.Y, size.X];

        var reference = await UNetReferenceScript.RunAsync(directory.Path, input, shape, directory.Path);

        var names = model.Module.state_dict().Select(p => (p.Key, p.Value.shape)).ToList();
        Assert.Equal(reference.StateDict.Select(e => e.Name), names.Select(e => e.Key));
        for (var i = 0; i < names.Count; i++)
        {
            Assert.Equal(reference.StateDict[i].Shape, names[i].shape);
        }

        var outputSize = geometry.GetOutputSize(size);
        Assert.Equal([config.FeatureChannels, outputSize.Z, outputSize.Y, outputSize.X], reference.OutputShape);
        var output = new float[config.FeatureChannels * outputSize.Volume];
        model.ComputeFeatures(input, size, output);
        UNetAssert.Close(reference.Output, output, 1e-4, $"config {config.ToJson()}");
    }

    private static UNet3dConfig RandomConfig(Random random)
    {
        var downsamplings = random.Next(1, 3);
        VoxelExtent Factor() => new(random.Next(1, 3), random.Next(1, 4), random.Next(1, 4));
        VoxelExtent Kernel() => new(random.Next(0, 2) * 2 + 1, random.Next(0, 2) * 2 + 1, 3);
        IReadOnlyList<VoxelExtent> Pass() => [.. Enumerable.Range(0, random.Next(1, 3)).Select(_ => Kernel())];
        return new UNet3dConfig
        {
            InChannels = random.Next(1, 3),
            NumFmaps = random.Next(2, 5),
            FmapIncFactor = random.Next(1, 4),
            DownsampleFactors = [.. Enumerable.Range(0, downsamplings).Select(_ => Factor())],
            KernelSizeDown = [.. Enumerable.Range(0, downsamplings + 1).Select(_ => Pass())],
            KernelSizeUp = [.. Enumerable.Range(0, downsamplings).Select(_ => Pass())],
            ConstantUpsample = random.Next(2) == 0,
            NumFmapsOut = random.Next(2) == 0 ? random.Next(2, 6) : null,
            OutputChannels = random.Next(2) == 0 ? random.Next(2, 8) : null,
        };
    }
}
