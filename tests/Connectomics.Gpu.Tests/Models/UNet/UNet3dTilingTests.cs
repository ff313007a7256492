using Connectomics.Gpu.Models.UNet;
using Connectomics.Gpu.Runtime;
using TorchSharp;

namespace Connectomics.Gpu.Tests.Models.UNet;

/// <summary>Tiled per-voxel features equal one whole pass over the block.</summary>
public sealed class UNet3dTilingTests
{
    public UNet3dTilingTests() => TorchRuntime.EnsureApplied();

    public static TheoryData<int, int, int> TileSizes => new()
    {
        { 4, 4, 4 },      // the smallest tile: every stride step a seam
        { 8, 12, 12 },    // anisotropic tiles; 12 divides neither 16 nor 20: the last tile is moved back and overlaps
        { 64, 64, 64 },   // larger than the block: one tile
        { 5, 9, 30 },     // not multiples of the stride: rounded down to 4, 8, 28 (capped at 20)
    };

    [Theory]
    [MemberData(nameof(TileSizes))]
    public void Tiny_tiled_output_equals_one_whole_pass(int tz, int ty, int tx)
    {
        using var model = UNet3dModel.FromPreset("tiny", seed: 21);
        var inputSize = new VoxelExtent(52, 56, 60); // outputs 12, 16, 20
        var input = UNetAssert.RandomInput(inputSize.Volume, seed: 4);
        var whole = WholePass(model, input, inputSize);
        var tiled = new float[whole.Length];
        model.ComputeFeatures(input, inputSize, tiled, new UNet3dTiling { OutputTileSize = new VoxelExtent(tz, ty, tx) });
        UNetAssert.Close(whole, tiled, 1e-5, $"tiles ({tz}, {ty}, {tx})");
    }

    [Theory]
    [InlineData(2, 6, 6)]
    [InlineData(4, 12, 6)]
    [InlineData(6, 12, 18)]
    public void Tiles_of_a_network_that_crops_to_the_factor_stitch_exactly(int tz, int ty, int tx)
    {
        var config = new UNet3dConfig
        {
            InChannels = 2,
            NumFmaps = 3,
            FmapIncFactor = 2,
            DownsampleFactors = [new VoxelExtent(1, 3, 3), VoxelExtent.Cube(2)],
            KernelSizeDown = [[new(1, 3, 3), new(1, 3, 3)], [VoxelExtent.Cube(3), VoxelExtent.Cube(3)], [VoxelExtent.Cube(3), VoxelExtent.Cube(3)]],
            KernelSizeUp = [[new(1, 3, 3), new(1, 3, 3)], [VoxelExtent.Cube(3), VoxelExtent.Cube(3)]],
            OutputChannels = 5,
        };
        using var model = UNet3dModel.FromConfig(config, seed: 8);
        var inputSize = new VoxelExtent(22, 76, 70); // outputs 6, 18, 12
        var input = UNetAssert.RandomInput(2 * inputSize.Volume, seed: 9);
        var whole = WholePass(model, input, inputSize);
        var tiled = new float[whole.Length];
        model.ComputeFeatures(input, inputSize, tiled, new UNet3dTiling { OutputTileSize = new VoxelExtent(tz, ty, tx) });
        UNetAssert.Close(whole, tiled, 1e-5, $"tiles ({tz}, {ty}, {tx})");
    }

    [Fact]
    public void An_input_of_an_invalid_size_or_wrong_length_is_refused()
    {
        using var model = UNet3dModel.FromPreset("tiny");
        var error = Assert.Throws<ArgumentException>(() => model.ComputeFeatures(new float[45 * 44 * 44], new VoxelExtent(45, 44, 44), new float[4 * 64]));
        Assert.Contains("input size 45 along z", error.Message, StringComparison.Ordinal);
        Assert.Contains("the nearest are 44 and 48", error.Message, StringComparison.Ordinal);

        var length = Assert.Throws<ArgumentException>(() => model.ComputeFeatures(new float[10], VoxelExtent.Cube(44), new float[4 * 64]));
        Assert.Contains("needs 85184", length.Message, StringComparison.Ordinal);

        var output = Assert.Throws<ArgumentException>(() => model.ComputeFeatures(new float[44 * 44 * 44], VoxelExtent.Cube(44), new float[64]));
        Assert.Contains("[4, 4, 4, 4] needs 256", output.Message, StringComparison.Ordinal);

        using var wrongChannels = torch.zeros([1, 2, 44, 44, 44]);
        var channels = Assert.Throws<ArgumentException>(() => model.Forward(wrongChannels));
        Assert.Contains("1 input channel(s); this input has 2", channels.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancellation_is_observed_between_tiles()
    {
        using var model = UNet3dModel.FromPreset("tiny");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() =>
            model.ComputeFeatures(new float[48 * 48 * 48], VoxelExtent.Cube(48), new float[4 * 8 * 8 * 8], cancellationToken: cancelled.Token));
    }

    private static float[] WholePass(UNet3dModel model, float[] input, VoxelExtent size)
    {
        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        var tensor = torch.tensor(input, [1, model.InChannels, size.Z, size.Y, size.X]);
        return model.Forward(tensor).data<float>().ToArray();
    }
}
