using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Models.UNet;
using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Tests.Models.UNet;
using Connectomics.Gpu.Volumes;
using Connectomics.Pipelines;
using Connectomics.Pipelines.Tests.Doubles;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;
using Connectomics.Volumes.Reading;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr.V3;
using TorchSharp;

namespace Connectomics.Gpu.Tests.Volumes;

/// <summary>The U-Net as the model of a volume pipeline, set through <c>Embed(unet, …)</c>.</summary>
public sealed class UNetVolumePipelineTests
{
    private static readonly Index3 Shape = new(24, 28, 32);

    public UNetVolumePipelineTests() => TorchRuntime.EnsureApplied();

    [Fact]
    public async Task A_run_writes_each_cell_pooled_from_one_whole_pass()
    {
        using var unet = UNet3dModel.FromPreset("tiny", seed: 0);
        var volume = SyntheticVolume.Random(VoxelType.UInt8, 1, Shape, seed: 21);
        var array = await ZarrV3Array.CreateAsync(new MemoryStore(), "em", new ZarrV3ArrayOptions
        {
            Shape = [Shape.Z, Shape.Y, Shape.X], ChunkShape = [8, 16, 16], DataType = VoxelType.UInt8,
        });
        for (var z = 0; z < 3; z++)
        {
            for (var y = 0; y < 2; y++)
            {
                for (var x = 0; x < 2; x++)
                {
                    await array.WriteUnitAsync(new long[] { z, y, x }, volume.Cut(Box3.FromStartSize(new Index3(z * 8, y * 16, x * 16), new Index3(8, 16, 16))));
                }
            }
        }

        var store = new MemoryVectorStore();
        var result = await EmbeddingPipeline.FromArray(array, "em")
            .Blocks(b => b.Size(16).Halo(HaloSize.Auto).Boundary(Boundary.Reflect))
            .Embed(unet, e => e.Normalize(1 / 64f, -2f).PerCell(8).MaxPooling().Tiles(8).OnDevice("cpu"))
            .To(store, "cells")
            .RunAsync();

        Assert.Equal(PipelineOutcome.Completed, result.Outcome);
        var table = store["cells"];
        Assert.Equal(4, table.Definition.Dimension);
        Assert.Equal(3 * 4 * 4, table.RowCount);
        var whole = volume.WholePass(unet, VoxelNormalization.Explicit(1 / 64f, -2f));
        var columns = table.Definition.Columns.Select(c => c.Name).ToList();
        long Column(StoredRow row, string name) => Convert.ToInt64(row.Columns[columns.IndexOf(name)], System.Globalization.CultureInfo.InvariantCulture);
        foreach (var row in table.Latest.Rows)
        {
            var box = new Box3(new Index3(Column(row, "z0"), Column(row, "y0"), Column(row, "x0")), new Index3(Column(row, "z1"), Column(row, "y1"), Column(row, "x1")));
            var (_, max) = volume.Pool(whole, 4, box);
            UNetAssert.Close(max, row.Vector, 1e-5, $"row {row.Id} over {box}");
        }
    }

    [Fact]
    public async Task The_settings_reach_the_pipeline_and_the_embedder()
    {
        using var unet = UNet3dModel.FromPreset("tiny", seed: 0);
        var array = await ZarrV3Array.CreateAsync(new MemoryStore(), "em", new ZarrV3ArrayOptions { Shape = [8, 8, 8], ChunkShape = [8, 8, 8] });
        UNetVolumeEmbedSettings? seen = null;
        var logs = new RecordingLoggerFactory();
        EmbeddingPipeline.FromArray(array, "em").Embed(unet, e =>
        {
            seen = e.Normalize(0.5f, 1f).PerCell(new Index3(2, 4, 8)).Tiles(new VoxelExtent(8, 12, 16)).MaxPooling().UseLoggerFactory(logs).BFloat16OnCuda().OnDevice("cpu");
        });

        Assert.NotNull(seen);
        Assert.Equal(VoxelNormalization.Explicit(0.5f, 1f), seen.Pipeline.Normalization);
        Assert.Equal(RowGranularity.Cell, seen.Pipeline.Granularity);
        Assert.Equal(new Index3(2, 4, 8), seen.Pipeline.CellSize);
        Assert.Equal(VoxelPooling.Max, seen.Pooling);
        Assert.Equal(new VoxelExtent(8, 12, 16), seen.Tiling.OutputTileSize);

        // bfloat16 asked for on a CPU: a warning, and the model stays float32.
        Assert.Equal(ComputePrecision.Float32, unet.Precision);
        Assert.Equal(DeviceType.CPU, unet.Device.type);
        var warning = Assert.Single(logs.Logger.Warnings);
        Assert.Contains("bfloat16 applies on CUDA only", warning.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => seen.Tiles(0));
    }
}
