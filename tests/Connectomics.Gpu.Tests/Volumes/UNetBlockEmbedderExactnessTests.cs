using Connectomics.Embeddings;
using Connectomics.Gpu.Models.UNet;
using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Tests.Models.UNet;
using Connectomics.Gpu.Volumes;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;

namespace Connectomics.Gpu.Tests.Volumes;

/// <summary>Features stitched from blocks, and vectors pooled block by block, equal one whole pass over the padded
/// volume, whatever the block size, halo and tile size.</summary>
public sealed class UNetBlockEmbedderExactnessTests
{
    private static readonly Index3 Shape = new(40, 44, 48);
    private static readonly VoxelNormalization Normalization = VoxelNormalization.Explicit(1 / 64f, -2f);

    public UNetBlockEmbedderExactnessTests() => TorchRuntime.EnsureApplied();

    /// <summary>A network whose context differs before and after along x (79 voxels in all) and whose strides differ
    /// per axis (2, 3, 9).</summary>
    internal static UNet3dConfig Uneven { get; } = new()
    {
        NumFmaps = 2,
        FmapIncFactor = 2,
        DownsampleFactors = [new VoxelExtent(1, 3, 3), new VoxelExtent(2, 1, 3)],
        KernelSizeDown = [[new(1, 3, 3), new(1, 3, 3)], [VoxelExtent.Cube(3), VoxelExtent.Cube(3)], [VoxelExtent.Cube(3), VoxelExtent.Cube(3)]],
        KernelSizeUp = [[new(1, 3, 3), new(1, 3, 3)], [VoxelExtent.Cube(3), VoxelExtent.Cube(3)]],
    };

    public static TheoryData<string, int[], int[], int[]> Cases => new()
    {
        // model, block size, halo, tile output size
        { "tiny", [16, 16, 16], [20, 20, 20], [64, 64, 64] },
        { "tiny", [12, 20, 8], [24, 20, 28], [8, 12, 8] },   // two tiles along z and y, the last one smaller
        { "tiny", [40, 44, 48], [20, 20, 20], [16, 24, 32] }, // one block; tiles cut at the volume's edge
        { "tiny", [8, 8, 32], [32, 0, 20], [13, 9, 30] },   // rounded to (12, 8, 28), capped at the block's 8 and 8
        { "uneven", [8, 12, 18], [10, 30, 45], [4, 12, 9] },
        { "uneven", [40, 24, 27], [0, 0, 0], [64, 64, 64] },
    };

    [Fact]
    public void The_uneven_network_has_uneven_context()
    {
        using var model = UNet3dModel.FromConfig(Uneven, seed: 6);
        Assert.Equal(new VoxelExtent(8, 23, 39), model.Geometry.Context);
        Assert.Equal(new VoxelExtent(8, 23, 40), model.Geometry.ContextAfter);
        Assert.Equal(new VoxelExtent(2, 3, 9), model.Geometry.OutputStride);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Stitched_write_box_features_equal_one_whole_pass(string network, int[] block, int[] halo, int[] tile)
    {
        using var model = Create(network);
        using var embedder = new UNetBlockEmbedder(model, new UNetBlockEmbedderOptions { Tiling = new UNet3dTiling { OutputTileSize = VoxelExtent.FromSpan(tile) } });
        var volume = SyntheticVolume.Random(VoxelType.UInt8, 1, Shape, seed: 3);
        var whole = volume.WholePass(model, Normalization);
        var d = model.FeatureChannels;
        var nonZero = whole.Count(v => v != 0) / (double)whole.Length;
        Assert.True(nonZero > 0.2, $"only {nonZero:P0} of the features are non-zero: the comparison would say little");

        var stitched = new float[whole.Length];
        stitched.AsSpan().Fill(float.NaN);
        var id = 0L;
        foreach (var writeBox in volume.WriteBoxes(new Index3(block[0], block[1], block[2])))
        {
            var volumeBlock = volume.Block(embedder, id++, writeBox, new Index3(halo[0], halo[1], halo[2]), Normalization, []);
            var size = writeBox.Size;
            var features = new float[d * size.Volume];
            embedder.ComputeWriteBoxFeatures(volumeBlock, features);
            var i = 0;
            for (var c = 0; c < d; c++)
            {
                for (var z = writeBox.Start.Z; z < writeBox.Stop.Z; z++)
                {
                    for (var y = writeBox.Start.Y; y < writeBox.Stop.Y; y++)
                    {
                        var at = (((((long)c * Shape.Z) + z) * Shape.Y + y) * Shape.X) + writeBox.Start.X;
                        Array.Copy(features, i, stitched, at, size.X);
                        i += (int)size.X;
                    }
                }
            }
        }

        UNetAssert.Close(whole, stitched, 1e-5, $"{network}, blocks {string.Join('×', block)}, halo {string.Join('×', halo)}, tiles {string.Join('×', tile)}");
    }

    public static TheoryData<string, int[], int[], int[]> PoolingCases => new()
    {
        { "tiny", [16, 16, 16], [20, 20, 20], [64, 64, 64] },
        { "tiny", [12, 20, 8], [24, 20, 28], [8, 12, 8] },
        { "uneven", [8, 12, 18], [10, 30, 45], [4, 12, 9] },
    };

    [Theory]
    [MemberData(nameof(PoolingCases))]
    public async Task Pooled_rows_equal_the_whole_pass_pooled_by_hand(string network, int[] block, int[] halo, int[] tile)
    {
        using var model = Create(network);
        var volume = SyntheticVolume.Random(VoxelType.UInt8, 1, Shape, seed: 4);
        var whole = volume.WholePass(model, Normalization);
        var d = model.FeatureChannels;
        foreach (var pooling in new[] { VoxelPooling.Mean, VoxelPooling.Max })
        {
            using var embedder = new UNetBlockEmbedder(model, new UNetBlockEmbedderOptions { Pooling = pooling, Tiling = new UNet3dTiling { OutputTileSize = VoxelExtent.FromSpan(tile) } });
            var blocks = volume.WriteBoxes(new Index3(block[0], block[1], block[2]))
                .Select((box, id) => volume.Block(embedder, id, box, new Index3(halo[0], halo[1], halo[2]), Normalization, BlockRowsByHand.Make(id, box, cell: 8)))
                .ToList();
            var prepared = blocks.Select(embedder.Prepare).ToList();
            Assert.All(prepared, p => Assert.True(p.IsUsable, p.Problem));
            var vectors = await embedder.EncodeAsync(prepared);
            Assert.Equal(blocks.Count, vectors.Count);
            for (var b = 0; b < blocks.Count; b++)
            {
                var rows = blocks[b].Rows;
                Assert.Equal(rows.Count * d, vectors[b].Length);
                for (var r = 0; r < rows.Count; r++)
                {
                    var (mean, max) = volume.Pool(whole, d, rows[r].Box);
                    UNetAssert.Close(pooling == VoxelPooling.Mean ? mean : max, vectors[b].Span.Slice(r * d, d), 1e-5, $"{pooling} of row {rows[r].Id} of block {b}");
                }
            }
        }
    }

    [Fact]
    public async Task Pooled_vectors_do_not_depend_on_the_tile_size()
    {
        using var model = Create("tiny");
        var volume = SyntheticVolume.Random(VoxelType.UInt8, 1, Shape, seed: 5);
        var writeBox = new Box3(new Index3(8, 12, 16), new Index3(40, 44, 48));
        ReadOnlyMemory<float>? first = null;
        foreach (var tile in new[] { 8, 12, 64 })
        {
            using var embedder = new UNetBlockEmbedder(model, new UNetBlockEmbedderOptions { Tiling = new UNet3dTiling { OutputTileSize = VoxelExtent.Cube(tile) } });
            var block = volume.Block(embedder, 0, writeBox, Index3.All(20), Normalization, BlockRowsByHand.Make(0, writeBox, cell: 16));
            var vectors = await embedder.EncodeAsync([embedder.Prepare(block)]);
            if (first is { } expected)
            {
                UNetAssert.Close(expected.Span, vectors[0].Span, 1e-6, $"tile {tile}");
            }
            else
            {
                first = vectors[0];
            }
        }
    }

    [Fact]
    public void The_input_box_adds_the_context_and_rounds_the_output_up()
    {
        using var model = Create("tiny");
        using var embedder = new UNetBlockEmbedder(model);
        Assert.Equal(Index3.All(20), embedder.Context);
        Assert.Equal(Index3.All(20), embedder.ContextAfter);
        Assert.Equal(Index3.All(4), embedder.OutputStride);
        Assert.Equal(new Box3(Index3.All(-20), Index3.All(36)), embedder.GetInputBox(Box3.FromShape(Index3.All(16))));

        // 10 × 2 × 1 output voxels: the network makes 12 × 4 × 4 (its sizes are 4 + 4k), 20 more on each side.
        var input = embedder.GetInputBox(new Box3(new Index3(32, 64, 4), new Index3(42, 66, 5)));
        Assert.Equal(new Box3(new Index3(12, 44, -16), new Index3(64, 88, 28)), input);

        using var uneven = UNet3dModel.FromConfig(Uneven, seed: 6);
        using var unevenEmbedder = new UNetBlockEmbedder(uneven);
        Assert.Equal(new Box3(new Index3(-8, -23, -39), new Index3(8 + 8, 12 + 23, 18 + 40)), unevenEmbedder.GetInputBox(Box3.FromShape(new Index3(8, 12, 18))));
    }

    [Fact]
    public void The_descriptor_fingerprints_weights_config_and_pooling_but_not_tiling()
    {
        using var model = Create("tiny");
        using var mean = new UNetBlockEmbedder(model);
        using var meanTiled = new UNetBlockEmbedder(model, new UNetBlockEmbedderOptions { Tiling = new UNet3dTiling { OutputTileSize = VoxelExtent.Cube(8) } });
        using var max = new UNetBlockEmbedder(model, new UNetBlockEmbedderOptions { Pooling = VoxelPooling.Max });
        using var other = UNet3dModel.FromPreset("tiny", seed: 1);
        using var otherWeights = new UNetBlockEmbedder(other);

        Assert.Equal("tiny", mean.Descriptor.Name);
        Assert.Equal(4, mean.Descriptor.Dimension);
        Assert.Matches("^[0-9a-f]{64}$", mean.Descriptor.Fingerprint);
        Assert.Equal(mean.Descriptor.Fingerprint, meanTiled.Descriptor.Fingerprint);
        Assert.NotEqual(mean.Descriptor.Fingerprint, max.Descriptor.Fingerprint);
        Assert.NotEqual(mean.Descriptor.Fingerprint, otherWeights.Descriptor.Fingerprint);
        Assert.Equal("mean", mean.Descriptor.Properties["pooling"]);
        Assert.Equal("max", max.Descriptor.Properties["pooling"]);
        Assert.Equal("float32", mean.Descriptor.Properties["precision"]);
        Assert.Contains("\"num_fmaps\":4", mean.Descriptor.Properties["config"], StringComparison.Ordinal);
    }

    internal static UNet3dModel Create(string network) => network == "tiny"
        ? UNet3dModel.FromPreset("tiny", seed: 0)
        : UNet3dModel.FromConfig(Uneven, seed: 0);
}
