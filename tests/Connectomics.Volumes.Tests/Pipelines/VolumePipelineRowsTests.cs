using System.Globalization;
using Connectomics.Pipelines;
using Connectomics.Stores;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;

namespace Connectomics.Volumes.Tests.Pipelines;

public sealed class VolumePipelineRowsTests : IDisposable
{
    private static readonly Index3 Shape = new(20, 18, 22);
    private readonly TempDirectory _db = new("volume-pipeline");

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Block_rows_carry_the_write_box_centre_filled_share_and_vectors_of_a_whole_volume_pass()
    {
        var volume = ReferenceVolume.UInt8(Shape, Index3.All(8));
        var result = await EmbeddingPipeline.FromArray(volume.Array(), "em/s0", level: 0)
            .Blocks(b => b.Size(8).Halo(HaloSize.Auto))
            .Read(r => r.CacheBytes(1 << 20).Concurrency(3))
            .Embed(new MeanMaxModel())
            .ToLance(_db.Path, "blocks")
            .RunAsync();

        Assert.Equal(PipelineOutcome.Completed, result.Outcome);
        Assert.Equal(27, result.BlocksCompleted);
        Assert.Equal(27, result.Rows);
        var normalization = result.Normalization;
        Assert.Equal("dtype-range", normalization.Method);
        Assert.Equal(1 / 255f, normalization.Scale);
        Assert.Equal(0f, normalization.Shift);

        var rows = await TableRows.ReadAsync(_db.Path, "blocks");
        Assert.Equal(27, rows.Count);
        for (long z = 0, id = 0; z < 3; z++)
        {
            for (long y = 0; y < 3; y++)
            {
                for (long x = 0; x < 3; x++, id++)
                {
                    var start = new Index3(z, y, x) * Index3.All(8);
                    var box = new Box3(start, Index3.Min(start + Index3.All(8), Shape));
                    var (values, vector) = rows[$"b{id}"];
                    AssertRow(values, id, box, "em/s0");
                    Assert.Equal(volume.Filled(box), (float)values["filled"]!, 6);
                    AssertVector(volume.Vector(box, normalization), vector);
                }
            }
        }
    }

    [Fact]
    public async Task Cell_rows_cut_the_write_box_from_its_start_with_the_last_cell_at_the_edge()
    {
        var volume = ReferenceVolume.UInt8(Shape, Index3.All(8));
        await EmbeddingPipeline.FromArray(volume.Array(), "em")
            .Blocks(b => b.Size(8).Halo(4))
            .Embed(new MeanMaxModel(), e => e.PerCell(3).Normalize(2f / 255, -1))
            .ToLance(_db.Path, "cells")
            .RunAsync();

        var rows = await TableRows.ReadAsync(_db.Path, "cells");
        var normalization = VoxelNormalization.Explicit(2f / 255, -1);
        var expected = 0;
        for (long z = 0, id = 0; z < 3; z++)
        {
            for (long y = 0; y < 3; y++)
            {
                for (long x = 0; x < 3; x++, id++)
                {
                    var start = new Index3(z, y, x) * Index3.All(8);
                    var write = new Box3(start, Index3.Min(start + Index3.All(8), Shape));
                    var size = write.Size;
                    var cells = new Index3((size.Z + 2) / 3, (size.Y + 2) / 3, (size.X + 2) / 3);
                    for (var c = 0L; c < cells.Volume; c++, expected++)
                    {
                        var cell = new Index3(c / (cells.Y * cells.X), c / cells.X % cells.Y, c % cells.X);
                        var cellStart = write.Start + (cell * Index3.All(3));
                        var box = new Box3(cellStart, Index3.Min(cellStart + Index3.All(3), write.Stop));
                        var (values, vector) = rows[$"b{id}/c{c}"];
                        AssertRow(values, id, box, "em");
                        Assert.Equal(volume.Filled(box), (float)values["filled"]!, 6);
                        AssertVector(volume.Vector(box, normalization), vector);
                    }
                }
            }
        }

        Assert.Equal(expected, rows.Count);

        // The last blocks are cut at the volume's edge (z 16..20, y 16..18) and their last cells at the write box's edge.
        Assert.Contains(rows.Values, r => (long)r.Values["z0"]! == 19 && (long)r.Values["z1"]! == 20);
        Assert.Contains(rows.Values, r => (long)r.Values["y0"]! == 16 && (long)r.Values["y1"]! == 18);
        Assert.DoesNotContain(rows.Values, r => (long)r.Values["z1"]! > 20 || (long)r.Values["y1"]! > 18 || (long)r.Values["x1"]! > 22);
    }

    [Fact]
    public async Task Point_rows_follow_input_order_carry_extra_columns_and_blocks_without_points_are_skipped()
    {
        var volume = ReferenceVolume.UInt8(Shape, Index3.All(8));
        VolumePoint Point(string id, long z, long y, long x, string label, double score) =>
            new(id, new Index3(z, y, x), new Dictionary<string, object?> { ["label"] = label, ["score"] = score });
        VolumePoint[] points =
        [
            Point("syn-3", 1, 2, 3, "a", 0.5),
            Point("syn-1", 0, 0, 0, "b", 1.5),
            Point("syn-9", 19, 17, 21, "c", -2),
            Point("syn-4", 9, 9, 9, "d", 0),
        ];
        var result = await EmbeddingPipeline.FromArray(volume.Array(), "em")
            .Blocks(b => b.Size(8).Halo(2))
            .Embed(new MeanMaxModel(), e => e.PerPoints(points, [new RecordColumn("label", RecordColumnType.String), new RecordColumn("score", RecordColumnType.Double)]))
            .ToLance(_db.Path, "points")
            .RunAsync();

        Assert.Equal(3, result.BlocksCompleted);
        Assert.Equal(24, result.BlocksSkipped);
        Assert.Equal(24, result.Pipeline.RecordsWithoutRows);
        var rows = await TableRows.ReadAsync(_db.Path, "points");
        Assert.Equal(points.Select(p => p.Id).Order(StringComparer.Ordinal), rows.Keys);
        var normalization = result.Normalization;
        foreach (var point in points)
        {
            var (values, vector) = rows[point.Id];
            var box = Box3.FromStartSize(point.Voxel, Index3.All(1));
            var block = (point.Voxel.Z / 8 * 9) + (point.Voxel.Y / 8 * 3) + (point.Voxel.X / 8);
            AssertRow(values, block, box, "em");
            Assert.Equal(point.Id, values["point_id"]);
            Assert.Equal(point.Voxel.Z, values["z"]);
            Assert.Equal(point.Voxel.Y, values["y"]);
            Assert.Equal(point.Voxel.X, values["x"]);
            Assert.Equal(point.Values["label"], values["label"]);
            Assert.Equal(point.Values["score"], values["score"]);
            Assert.Equal(volume.At(point.Voxel) != 0 ? 1f : 0f, (float)values["filled"]!);
            AssertVector(volume.Vector(box, normalization), vector);
        }

        // Two points in block 0, in input order: the block's rows are syn-3 then syn-1.
        var source = await EmbeddingPipeline.FromArray(volume.Array(), "em")
            .Blocks(b => b.Size(8).Halo(2))
            .Embed(new MeanMaxModel(), e => e.PerPoints(points))
            .ToLance(_db.Path, "unused")
            .BuildAsync();
        var unit = (await source.Source.ListUnitsAsync()).Single(u => u.Key == "blocks/0");
        await foreach (var chunk in source.Source.ReadAsync(unit, 0, 1))
        {
            Assert.Equal(["syn-3", "syn-1"], chunk.Records.Single().Rows.Select(r => r.Id));
        }
    }

    private static void AssertRow(Dictionary<string, object?> values, long blockId, Box3 box, string source)
    {
        Assert.Equal(blockId, values["block_id"]);
        Assert.Equal(0, values["level"]);
        Assert.Equal(box.Start.Z, values["z0"]);
        Assert.Equal(box.Start.Y, values["y0"]);
        Assert.Equal(box.Start.X, values["x0"]);
        Assert.Equal(box.Stop.Z, values["z1"]);
        Assert.Equal(box.Stop.Y, values["y1"]);
        Assert.Equal(box.Stop.X, values["x1"]);
        Assert.Equal((box.Start.Z + box.Stop.Z) / 2.0, values["cz"]);
        Assert.Equal((box.Start.Y + box.Stop.Y) / 2.0, values["cy"]);
        Assert.Equal((box.Start.X + box.Stop.X) / 2.0, values["cx"]);
        Assert.Equal(source, values["source"]);
    }

    internal static void AssertVector(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, string.Create(CultureInfo.InvariantCulture, $"vector[{i}]: expected {expected[i]}, got {actual[i]}"));
        }
    }
}
