using System.ComponentModel.DataAnnotations;
using Connectomics.Embeddings;
using Connectomics.Gpu.Models.UNet;
using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Volumes;
using Connectomics.Volumes.Blocks;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;

namespace Connectomics.Gpu.Tests.Volumes;

/// <summary>Blocks the U-Net cannot embed are refused by <see cref="UNetBlockEmbedder.Prepare"/> with a problem naming
/// the block, the source and what is wrong; <see cref="UNetBlockEmbedder.ComputeWriteBoxFeatures"/> throws it.</summary>
public sealed class UNetBlockEmbedderRefusalTests
{
    private static readonly Box3 WriteBox = Box3.FromStartSize(new Index3(16, 32, 48), Index3.All(16));

    public UNetBlockEmbedderRefusalTests() => TorchRuntime.EnsureApplied();

    [Fact]
    public void A_block_that_fits_is_usable_at_the_cost_of_its_write_box()
    {
        using var model = UNet3dModel.FromPreset("tiny");
        using var embedder = new UNetBlockEmbedder(model);
        var prepared = embedder.Prepare(Block(embedder, VoxelType.UInt8, 1));
        Assert.True(prepared.IsUsable, prepared.Problem);
        Assert.Equal(16 * 16 * 16, prepared.Cost);
    }

    [Theory]
    [InlineData(VoxelType.Float64, "float64")]
    [InlineData(VoxelType.Int8, "int8")]
    [InlineData(VoxelType.UInt32, "uint32")]
    [InlineData(VoxelType.Bool, "bool")]
    public void A_voxel_type_the_model_does_not_take_is_refused_by_name(VoxelType type, string name)
    {
        using var model = UNet3dModel.FromPreset("tiny");
        using var embedder = new UNetBlockEmbedder(model);
        Assert.False(embedder.Accepts(type));
        var problem = Refused(embedder, Block(embedder, type, 1));
        Assert.Contains($"holds {name} voxels", problem, StringComparison.Ordinal);
        Assert.Contains("uint8, uint16, int16 or float32", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_accepted_types_are_the_four_the_model_normalises()
    {
        using var model = UNet3dModel.FromPreset("tiny");
        using var embedder = new UNetBlockEmbedder(model);
        Assert.Equal(
            [VoxelType.UInt8, VoxelType.Int16, VoxelType.UInt16, VoxelType.Float32],
            Enum.GetValues<VoxelType>().Where(embedder.Accepts));
    }

    [Fact]
    public void A_channel_count_other_than_the_models_is_refused_naming_both()
    {
        using var model = UNet3dModel.FromPreset("tiny");
        using var embedder = new UNetBlockEmbedder(model);
        var problem = Refused(embedder, Block(embedder, VoxelType.UInt8, 3));
        Assert.Contains("has 3 channel(s)", problem, StringComparison.Ordinal);
        Assert.Contains("takes 1 input channel(s)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Voxels_that_do_not_cover_the_input_box_are_refused_naming_both_boxes()
    {
        using var model = UNet3dModel.FromPreset("tiny");
        using var embedder = new UNetBlockEmbedder(model);
        var fits = Block(embedder, VoxelType.UInt8, 1);
        var smaller = new Box3(fits.VoxelBox.Start, fits.VoxelBox.Stop - new Index3(0, 0, 1));
        var block = With(fits, smaller);
        var problem = Refused(embedder, block);
        Assert.Contains("carries the voxels of [-4:52, 12:68, 28:83]", problem, StringComparison.Ordinal);
        Assert.Contains("needs [-4:52, 12:68, 28:84]", problem, StringComparison.Ordinal);
        Assert.Contains("context (20, 20, 20)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_write_box_off_the_output_stride_is_refused()
    {
        using var model = UNet3dModel.FromPreset("tiny");
        using var embedder = new UNetBlockEmbedder(model);
        var fits = Block(embedder, VoxelType.UInt8, 1);
        var shifted = Box3.FromStartSize(new Index3(16, 34, 48), Index3.All(8));
        var block = new VolumeBlock
        {
            Block = fits.Block with { WriteBox = shifted },
            Level = 0,
            Source = fits.Source,
            DataType = fits.DataType,
            Channels = 1,
            VoxelBox = fits.VoxelBox,
            Voxels = fits.Voxels,
            Normalization = fits.Normalization,
            Rows = [],
        };
        Assert.Contains("not at a multiple of the U-Net's output stride (4, 4, 4)", Refused(embedder, block), StringComparison.Ordinal);
    }

    [Fact]
    public void Voxel_bytes_that_do_not_match_the_box_and_rows_outside_the_write_box_are_refused()
    {
        using var model = UNet3dModel.FromPreset("tiny");
        using var embedder = new UNetBlockEmbedder(model);
        var fits = Block(embedder, VoxelType.UInt16, 1);
        var shortVoxels = new VolumeBlock
        {
            Block = fits.Block, Level = 0, Source = fits.Source, DataType = fits.DataType, Channels = 1, VoxelBox = fits.VoxelBox,
            Voxels = fits.Voxels[..^2], Normalization = fits.Normalization, Rows = [],
        };
        Assert.Contains($"holds {fits.Voxels.Length - 2} bytes of voxels; 1 channel(s) of uint16", Refused(embedder, shortVoxels), StringComparison.Ordinal);

        var outside = new VolumeBlock
        {
            Block = fits.Block, Level = 0, Source = fits.Source, DataType = fits.DataType, Channels = 1, VoxelBox = fits.VoxelBox,
            Voxels = fits.Voxels, Normalization = fits.Normalization,
            Rows = [new BlockRow("inside", WriteBox, 1f), new BlockRow("p9", Box3.FromStartSize(Index3.Zero, Index3.All(1)), 1f) { Point = new Index3(15, 40, 50) }],
        };
        var problem = Refused(embedder, outside);
        Assert.Contains("row 'p9' over [15:16, 40:41, 50:51]", problem, StringComparison.Ordinal);
        Assert.Contains("not inside the write box", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unusable_or_foreign_inputs_are_refused_by_encode()
    {
        using var model = UNet3dModel.FromPreset("tiny");
        using var embedder = new UNetBlockEmbedder(model);
        using var max = new UNetBlockEmbedder(model, new UNetBlockEmbedderOptions { Pooling = VoxelPooling.Max });
        var unusable = PreparedInput.Unusable("broken");
        Assert.Contains("inputs[0] is not usable: broken", (await Assert.ThrowsAsync<ArgumentException>(() => embedder.EncodeAsync([unusable]))).Message, StringComparison.Ordinal);
        var foreign = max.Prepare(Block(max, VoxelType.UInt8, 1));
        Assert.Contains("prepared by a model with fingerprint", (await Assert.ThrowsAsync<ArgumentException>(() => embedder.EncodeAsync([foreign]))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_options_are_refused_up_front()
    {
        using var model = UNet3dModel.FromPreset("tiny");
        var error = Assert.Throws<ValidationException>(() => new UNetBlockEmbedder(model, new UNetBlockEmbedderOptions
        {
            Pooling = (VoxelPooling)7,
            Tiling = new UNet3dTiling { OutputTileSize = new VoxelExtent(4, 0, 4) },
        }));
        Assert.Contains("UNetBlockEmbedderOptions is invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("Pooling 7 is not a pooling", error.Message, StringComparison.Ordinal);
        Assert.Contains("Tiling.OutputTileSize (4, 0, 4) must be at least 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_token_stops_the_work()
    {
        using var model = UNet3dModel.FromPreset("tiny");
        using var embedder = new UNetBlockEmbedder(model);
        var block = Block(embedder, VoxelType.UInt8, 1);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => embedder.ComputeWriteBoxFeatures(block, new float[4 * 16 * 16 * 16], cancel.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => embedder.EncodeAsync([embedder.Prepare(block)], cancel.Token));
    }

    private static string Refused(UNetBlockEmbedder embedder, VolumeBlock block)
    {
        var prepared = embedder.Prepare(block);
        Assert.False(prepared.IsUsable);
        Assert.StartsWith($"Block 7 of 'em/s0'", prepared.Problem, StringComparison.Ordinal);
        var thrown = Assert.Throws<ArgumentException>(() => embedder.ComputeWriteBoxFeatures(block, new float[4 * WriteBox.VoxelCount]));
        Assert.StartsWith(prepared.Problem!, thrown.Message, StringComparison.Ordinal);
        return prepared.Problem!;
    }

    private static VolumeBlock Block(UNetBlockEmbedder embedder, VoxelType type, int channels)
    {
        var voxelBox = embedder.GetInputBox(WriteBox);
        return new VolumeBlock
        {
            Block = new Block(7, new Index3(1, 2, 3), WriteBox, WriteBox.Grow(Index3.All(20))),
            Level = 0,
            Source = "em/s0",
            DataType = type,
            Channels = channels,
            VoxelBox = voxelBox,
            Voxels = new byte[channels * voxelBox.VoxelCount * type.ByteSize()],
            Normalization = VoxelNormalization.Explicit(1 / 255f, 0f),
            Rows = [new BlockRow("b7", WriteBox, 1f)],
        };
    }

    private static VolumeBlock With(VolumeBlock block, Box3 voxelBox) => new()
    {
        Block = block.Block,
        Level = block.Level,
        Source = block.Source,
        DataType = block.DataType,
        Channels = block.Channels,
        VoxelBox = voxelBox,
        Voxels = new byte[block.Channels * voxelBox.VoxelCount * block.DataType.ByteSize()],
        Normalization = block.Normalization,
        Rows = block.Rows,
    };
}
