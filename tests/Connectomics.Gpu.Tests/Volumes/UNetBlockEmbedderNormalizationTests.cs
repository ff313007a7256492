using System.Buffers.Binary;
using Connectomics.Gpu.Models.UNet;
using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Tests.Models.UNet;
using Connectomics.Gpu.Volumes;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;
using TorchSharp;

namespace Connectomics.Gpu.Tests.Volumes;

/// <summary>Raw voxels of each accepted type become <c>value × scale + shift</c> before the network.</summary>
public sealed class UNetBlockEmbedderNormalizationTests
{
    public UNetBlockEmbedderNormalizationTests() => TorchRuntime.EnsureApplied();

    public static TheoryData<VoxelType, float, float> Cases => new()
    {
        { VoxelType.UInt8, 1 / 255f, 0.125f },
        { VoxelType.UInt16, 1 / 65535f, 0.5f },
        { VoxelType.Int16, 1 / 65536f, 0.5f },
        { VoxelType.Float32, 0.005f, 0.75f },
    };

    /// <summary>One 1×1×1 convolution with weight 1 and bias 0, then ReLU: with a shift that keeps every value
    /// positive, the features are the normalised voxels themselves, which the test computes by hand.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Features_of_an_identity_network_are_the_voxels_normalised_by_hand(VoxelType type, float scale, float shift)
    {
        using var model = UNet3dModel.FromConfig(new UNet3dConfig
        {
            NumFmaps = 1,
            FmapIncFactor = 1,
            DownsampleFactors = [],
            KernelSizeDown = [[VoxelExtent.Cube(1)]],
        });
        using (torch.no_grad())
        {
            var state = model.Module.state_dict();
            state["l_conv.0.conv_pass.0.weight"].fill_(1f);
            state["l_conv.0.conv_pass.0.bias"].fill_(0f);
        }

        using var embedder = new UNetBlockEmbedder(model, new UNetBlockEmbedderOptions { Tiling = new UNet3dTiling { OutputTileSize = new VoxelExtent(2, 3, 5) } });
        Assert.Equal(Index3.Zero, embedder.Context);
        var shape = new Index3(5, 6, 7);
        var volume = WithExtremes(SyntheticVolume.Random(type, 1, shape, seed: 11));
        var normalization = VoxelNormalization.Explicit(scale, shift);
        var writeBox = Box3.FromShape(shape);
        var cell = new Box3(new Index3(1, 2, 3), new Index3(4, 6, 7));
        var block = volume.Block(embedder, 0, writeBox, Index3.Zero, normalization, [new BlockRow("all", writeBox, 1f), new BlockRow("cell", cell, 1f)]);

        var expected = new float[shape.Volume];
        for (var i = 0; i < expected.Length; i++)
        {
            var scaled = SyntheticVolume.Value(type, volume.Raw, i) * scale;
            expected[i] = scaled + shift;
        }

        Assert.All(expected, v => Assert.True(v >= 0, "the shift must keep the values positive for this test"));
        var features = new float[shape.Volume];
        embedder.ComputeWriteBoxFeatures(block, features);
        Assert.Equal(expected, features);

        var vectors = await embedder.EncodeAsync([embedder.Prepare(block)]);
        Assert.Equal(2, vectors[0].Length);
        var (mean, _) = volume.Pool(expected, 1, writeBox);
        var (cellMean, _) = volume.Pool(expected, 1, cell);
        Assert.Equal(mean[0], vectors[0].Span[0], 6);
        Assert.Equal(cellMean[0], vectors[0].Span[1], 6);
    }

    /// <summary>The tiny U-Net on raw integer voxels with a normalisation gives the features of float32 voxels
    /// normalised by hand with scale 1 and shift 0.</summary>
    [Theory]
    [InlineData(VoxelType.UInt8)]
    [InlineData(VoxelType.UInt16)]
    [InlineData(VoxelType.Int16)]
    public void Raw_voxels_with_a_normalisation_equal_float_voxels_normalised_by_hand(VoxelType type)
    {
        using var model = UNet3dModel.FromPreset("tiny", seed: 12);
        using var embedder = new UNetBlockEmbedder(model);
        var shape = new Index3(12, 16, 20);
        var volume = SyntheticVolume.Random(type, 1, shape, seed: 13);
        var normalization = type == VoxelType.Int16 ? VoxelNormalization.Explicit(1 / 4096f, 0.1f) : VoxelNormalization.Explicit(type == VoxelType.UInt8 ? 1 / 64f : 1 / 16384f, -2f);
        var writeBox = Box3.FromShape(shape);
        var raw = volume.Block(embedder, 0, writeBox, Index3.Zero, normalization, []);

        var floats = volume.Normalized(raw.VoxelBox, normalization);
        var bytes = new byte[floats.Length * 4];
        for (var i = 0; i < floats.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), floats[i]);
        }

        var byHand = new VolumeBlock
        {
            Block = raw.Block,
            Level = 0,
            Source = "by hand",
            DataType = VoxelType.Float32,
            Channels = 1,
            VoxelBox = raw.VoxelBox,
            Voxels = bytes,
            Normalization = VoxelNormalization.Explicit(1f, 0f),
            Rows = [],
        };

        var expected = new float[4 * shape.Volume];
        var actual = new float[expected.Length];
        embedder.ComputeWriteBoxFeatures(byHand, expected);
        embedder.ComputeWriteBoxFeatures(raw, actual);
        Assert.True(expected.Count(v => v != 0) > expected.Length / 5, "the features are mostly zero: the comparison would say little");
        UNetAssert.Close(expected, actual, 0, $"{type}");
    }

    /// <summary>Puts each type's extreme values into the first voxels.</summary>
    private static SyntheticVolume WithExtremes(SyntheticVolume volume)
    {
        var raw = volume.Raw.ToArray();
        switch (volume.Type)
        {
            case VoxelType.UInt8:
                raw[0] = 0;
                raw[1] = 255;
                break;
            case VoxelType.UInt16:
                BinaryPrimitives.WriteUInt16LittleEndian(raw, 0);
                BinaryPrimitives.WriteUInt16LittleEndian(raw.AsSpan(2), 65535);
                break;
            case VoxelType.Int16:
                BinaryPrimitives.WriteInt16LittleEndian(raw, short.MinValue);
                BinaryPrimitives.WriteInt16LittleEndian(raw.AsSpan(2), short.MaxValue);
                break;
            default:
                BinaryPrimitives.WriteSingleLittleEndian(raw, -100f);
                BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4), 99.75f);
                break;
        }

        return new SyntheticVolume(volume.Type, volume.Channels, volume.Shape, raw);
    }
}
