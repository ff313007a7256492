using Connectomics.Gpu.Models;
using Connectomics.Gpu.Models.UNet;
using Connectomics.Testing;

namespace Connectomics.Gpu.Tests.Models.UNet;

/// <summary>The size arithmetic against values worked out by hand from funlib's forward pass.</summary>
public sealed class UNet3dGeometryTests
{
    // funlib's defaults: two 3x3x3 convolutions per level, each removing 2 voxels per axis.
    // tiny, input 44: 44 -4 = 40, /2 = 20, -4 = 16, /2 = 8, -4 = 4 (bottom); up 8, crop target for factor 2 after 4
    // removed: floor((8-4)/2)*2+4 = 8 (no crop), -4 = 4; up 8, factor 4: floor((8-4)/4)*4+4 = 8, -4 = 4. So 44 -> 4.
    [Fact]
    public void Tiny_preset_accepts_44_plus_4k_and_loses_20_voxels_per_side()
    {
        var geometry = UNet3dGeometry.Of(UNet3dPresets.Tiny);
        Assert.Equal(VoxelExtent.Cube(44), geometry.MinimumInputSize);
        Assert.Equal(VoxelExtent.Cube(4), geometry.MinimumOutputSize);
        Assert.Equal(VoxelExtent.Cube(4), geometry.OutputStride);
        Assert.Equal(VoxelExtent.Cube(20), geometry.Context);
        Assert.Equal(VoxelExtent.Cube(20), geometry.ContextAfter);
        Assert.Equal(new VoxelExtent(4, 8, 472), geometry.GetOutputSize(new VoxelExtent(44, 48, 512)));
        Assert.Equal(new VoxelExtent(48, 512, 552), geometry.GetInputSize(new VoxelExtent(8, 472, 512)));
        Assert.Equal(new VoxelExtent(44, 48, 516), geometry.GetValidInputSizeAtLeast(new VoxelExtent(1, 45, 513)));
        for (var s = 1; s < 60; s++)
        {
            Assert.Equal(s >= 44 && s % 4 == 0, geometry.IsValidInputSize(new VoxelExtent(s, 44, 44)));
        }
    }

    // Per axis: factors 3 then 2, 3x3x3 kernels. 64 -4 = 60, /3 = 20, -4 = 16, /2 = 8, -4 = 4; up x2 = 8, target
    // floor((8-4)/2)*2+4 = 8, -4 = 4; up x3 = 12, target with factor 6: floor((12-4)/6)*6+4 = 10 (funlib crops 2), -4 = 6.
    // Valid sizes: 64 + 6k (60 must be divisible by 3 and 20-4 by 2).
    [Fact]
    public void A_factor_of_three_crops_the_upsampled_map_as_funlib_does()
    {
        var config = new UNet3dConfig { NumFmaps = 2, FmapIncFactor = 2, DownsampleFactors = [VoxelExtent.Cube(3), VoxelExtent.Cube(2)] };
        var geometry = UNet3dGeometry.Of(config);
        Assert.Equal(VoxelExtent.Cube(64), geometry.MinimumInputSize);
        Assert.Equal(VoxelExtent.Cube(6), geometry.MinimumOutputSize);
        Assert.Equal(VoxelExtent.Cube(6), geometry.OutputStride);
        Assert.Equal(VoxelExtent.Cube(29), geometry.Context);
        Assert.Equal(new VoxelExtent(12, 18, 6), geometry.GetOutputSize(new VoxelExtent(70, 76, 64)));
    }

    // LSD-like anisotropic: factors (1,3,3), (2,2,2); top level kernels (1,3,3). Along z: 0 removed at the top,
    // 18 -> 18, /1, -4 = 14, /2 = 7, -4 = 3; up 6, target floor((6-4)/2)*2+4 = 6, -4 = 2; up x1 = 2, top crop 0 -> 2.
    // Along y/x: as the factor-three case above, 64 -> 6 with stride 6.
    [Fact]
    public void Anisotropic_factors_and_kernels_give_per_axis_sizes()
    {
        var config = new UNet3dConfig
        {
            NumFmaps = 3,
            FmapIncFactor = 2,
            DownsampleFactors = [new VoxelExtent(1, 3, 3), VoxelExtent.Cube(2)],
            KernelSizeDown = [[new(1, 3, 3), new(1, 3, 3)], [VoxelExtent.Cube(3), VoxelExtent.Cube(3)], [VoxelExtent.Cube(3), VoxelExtent.Cube(3)]],
            KernelSizeUp = [[new(1, 3, 3), new(1, 3, 3)], [VoxelExtent.Cube(3), VoxelExtent.Cube(3)]],
        };
        var geometry = UNet3dGeometry.Of(config);
        Assert.Equal(new VoxelExtent(18, 64, 64), geometry.MinimumInputSize);
        Assert.Equal(new VoxelExtent(2, 6, 6), geometry.MinimumOutputSize);
        Assert.Equal(new VoxelExtent(2, 6, 6), geometry.OutputStride);
        Assert.Equal(new VoxelExtent(8, 29, 29), geometry.Context);
        Assert.Equal(new VoxelExtent(6, 6, 12), geometry.GetOutputSize(new VoxelExtent(22, 64, 70)));
    }

    [Fact]
    public void An_invalid_size_is_refused_with_the_size_and_the_nearest_valid_ones()
    {
        var geometry = UNet3dGeometry.Of(UNet3dPresets.Tiny);
        var error = Assert.Throws<ArgumentException>(() => geometry.GetOutputSize(new VoxelExtent(44, 50, 44)));
        Assert.Contains("input size 50 along y", error.Message, StringComparison.Ordinal);
        Assert.Contains("44 + 4·k", error.Message, StringComparison.Ordinal);
        Assert.Contains("48 and 52", error.Message, StringComparison.Ordinal);

        var small = Assert.Throws<ArgumentException>(() => geometry.GetOutputSize(new VoxelExtent(40, 44, 44)));
        Assert.Contains("input size 40 along z", small.Message, StringComparison.Ordinal);
        Assert.Contains("the nearest is 44", small.Message, StringComparison.Ordinal);

        var output = Assert.Throws<ArgumentException>(() => geometry.GetInputSize(new VoxelExtent(4, 4, 6)));
        Assert.Contains("output size 6 along x", output.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_lists_every_problem()
    {
        var config = new UNet3dConfig
        {
            NumFmaps = 0,
            FmapIncFactor = 2,
            DownsampleFactors = [VoxelExtent.Cube(2), new VoxelExtent(0, 2, 2)],
            KernelSizeUp = [[VoxelExtent.Cube(3)]],
        };
        var error = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Contains("NumFmaps must be positive (was 0)", error.Message, StringComparison.Ordinal);
        Assert.Contains("DownsampleFactors[1] must be positive", error.Message, StringComparison.Ordinal);
        Assert.Contains("KernelSizeUp must hold 2 list(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_network_that_removes_more_than_any_input_has_is_refused()
    {
        // Twelve downsamplings by 3 with 3x3x3 kernels need more than 2^20 voxels per axis.
        var config = new UNet3dConfig { NumFmaps = 1, FmapIncFactor = 1, DownsampleFactors = [.. Enumerable.Repeat(VoxelExtent.Cube(3), 12)] };
        var error = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Contains("no input size up to 1048576 voxels along z", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_json_round_trips_and_refuses_what_is_not_implemented()
    {
        using var directory = new TempDirectory("unet-config");
        var config = UNet3dPresets.Small with { InChannels = 2, NumFmapsOut = 7, OutputChannels = 16, ConstantUpsample = true };
        var file = directory.File("config.json");
        File.WriteAllText(file, config.ToJson());
        var read = UNet3dConfig.FromJsonFile(directory.Path);
        Assert.Equal(config.ToJson(), read.ToJson());
        Assert.Equal(16, read.FeatureChannels);

        File.WriteAllText(file, config.ToJson().Replace("\"model_type\": \"funlib-unet3d\",", "\"model_type\": \"funlib-unet3d\", \"padding\": \"same\",", StringComparison.Ordinal));
        var same = Assert.Throws<ModelConfigurationException>(() => UNet3dConfig.FromJsonFile(file));
        Assert.Contains("padding", same.Message, StringComparison.Ordinal);
        Assert.Contains("is not supported (only 'valid')", same.Message, StringComparison.Ordinal);

        File.WriteAllText(file, """{"model_type": "funlib-unet3d", "num_fmaps": 4, "downsample_factors": [[2, 2, 2]]}""");
        var missing = Assert.Throws<ModelConfigurationException>(() => UNet3dConfig.FromJsonFile(file));
        Assert.Contains("lacks the integer field 'fmap_inc_factor'", missing.Message, StringComparison.Ordinal);
    }
}
