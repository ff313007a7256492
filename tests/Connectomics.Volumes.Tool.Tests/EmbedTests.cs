using System.Text.Json;
using ParquetSharp;

namespace Connectomics.Volumes.Tool.Tests;

/// <summary>
/// <c>embed</c> runs the U-Net over the demo volume into a Lance table that the official LanceDB client reads: one row
/// per cell, the cells tiling the volume exactly once, or one row per point of a Parquet file; running the same
/// command again finds the run complete and leaves the table as it was; the demo (no command) embeds its volume and
/// prints a cell's neighbours; bad command lines and bad input end with one error line.
/// </summary>
public sealed class EmbedTests(DemoVolumeFixture demo) : IClassFixture<DemoVolumeFixture>, IDisposable
{
    private readonly TempDirectory _work = new("connectomics-volumes-embed");

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Cells_tile_the_volume_once_in_a_table_the_official_client_reads_and_a_second_run_changes_nothing()
    {
        demo.Run.Succeeded();
        var run = VolumesTool.Run(_work.Path, "embed", demo.Image, "--db", "vectors", "--table", "cells", "--block", "48", "--cell", "24").Succeeded();
        Assert.Equal("completed", run.Summary("outcome"));
        Assert.Equal("8", run.Summary("blocks done"));
        Assert.Equal("64", run.Summary("rows written"));
        Assert.StartsWith("dtype-range", run.Summary("normalization"), StringComparison.Ordinal);

        var table = await LanceDbNode.RunAsync(
            """
            const t = await (await lancedb.connect(args[0])).openTable(args[1]);
            emit(rowsOf(await t.query().toArrow()));
            """,
            _work.File("vectors"),
            "cells");
        var rows = table.EnumerateArray().ToList();
        Assert.Equal(64, rows.Count);
        Assert.Equal(64, rows.Select(r => r.GetProperty("id").GetString()).Distinct().Count());
        var covered = new HashSet<(long, long, long)>();
        foreach (var row in rows)
        {
            long At(string name) => row.GetProperty(name).ValueKind == JsonValueKind.String ? long.Parse(row.GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture) : row.GetProperty(name).GetInt64();
            var (z0, y0, x0, z1, y1, x1) = (At("z0"), At("y0"), At("x0"), At("z1"), At("y1"), At("x1"));
            Assert.Equal((24L, 24L, 24L), (z1 - z0, y1 - y0, x1 - x0));
            Assert.True(covered.Add((z0, y0, x0)), $"cell at {z0}, {y0}, {x0} twice");
            Assert.StartsWith($"b{At("block_id")}/c", row.GetProperty("id").GetString(), StringComparison.Ordinal);
            Assert.Equal(4, row.GetProperty("vector").GetArrayLength());

            // Centres in nanometres: the demo's voxels are 8 nm.
            Assert.Equal((z0 + z1) / 2.0 * 8, row.GetProperty("cz").GetDouble());
            Assert.Equal((x0 + x1) / 2.0 * 8, row.GetProperty("cx").GetDouble());
            Assert.All(row.GetProperty("vector").EnumerateArray(), v => Assert.True(float.IsFinite(v.GetSingle())));
        }

        Assert.Equal(64, covered.Count(c => c.Item1 % 24 == 0 && c.Item2 % 24 == 0 && c.Item3 % 24 == 0 && c.Item1 < 96 && c.Item2 < 96 && c.Item3 < 96));

        var before = FileHashes.OfDirectory(_work.File("vectors"));
        var again = VolumesTool.Run(_work.Path, "embed", demo.Image, "--db", "vectors", "--table", "cells", "--block", "48", "--cell", "24").Succeeded();
        Assert.Equal("already complete: nothing to do", again.Summary("outcome"));
        Assert.Equal(before, FileHashes.OfDirectory(_work.File("vectors")));
    }

    [Fact]
    public async Task Points_from_parquet_give_one_row_each_with_their_coordinates()
    {
        demo.Run.Succeeded();
        var points = new (string Id, long Z, long Y, long X)[] { ("p-a", 3, 4, 5), ("p-b", 50, 60, 70), ("p-c", 95, 0, 95), ("p-d", 47, 48, 49) };
        using (var writer = new ParquetFileWriter(_work.File("points.parquet"), [new Column<string>("id"), new Column<long>("z"), new Column<long>("y"), new Column<long>("x")]))
        {
            using var group = writer.AppendRowGroup();
            using (var ids = group.NextColumn().LogicalWriter<string>())
            {
                ids.WriteBatch([.. points.Select(p => p.Id)]);
            }

            foreach (var axis in new Func<(string Id, long Z, long Y, long X), long>[] { p => p.Z, p => p.Y, p => p.X })
            {
                using var column = group.NextColumn().LogicalWriter<long>();
                column.WriteBatch([.. points.Select(axis)]);
            }

            writer.Close();
        }

        var run = VolumesTool.Run(_work.Path, "embed", demo.Image, "--db", "vectors", "--table", "points", "--block", "48", "--points", "points.parquet").Succeeded();
        Assert.Equal("4", run.Summary("rows written"));

        var table = await LanceDbNode.RunAsync(
            """
            const t = await (await lancedb.connect(args[0])).openTable(args[1]);
            emit(rowsOf(await t.query().toArrow()));
            """,
            _work.File("vectors"),
            "points");
        var byPoint = table.EnumerateArray().ToDictionary(r => r.GetProperty("point_id").GetString()!);
        Assert.Equal(points.Select(p => p.Id).Order(), byPoint.Keys.Order());
        foreach (var point in points)
        {
            var row = byPoint[point.Id];
            Assert.Equal(point.Z, Number(row, "z"));
            Assert.Equal(point.Y, Number(row, "y"));
            Assert.Equal(point.X, Number(row, "x"));
        }
    }

    [Fact]
    public void The_demo_embeds_its_volume_and_prints_a_cells_neighbours_and_continues_when_run_again()
    {
        var first = VolumesTool.Run(_work.Path, "--demo-size", "64").Succeeded();
        Assert.Equal("8", first.Summary("rows written"));
        Assert.Contains("nearest 5 cells to b0/c0 z 0-32, y 0-32, x 0-32 by cosine distance, of 8 in 'demo_em_cells':", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("lancedb.connect(", first.Stdout, StringComparison.Ordinal);
        Assert.True(Directory.Exists(_work.File("connectomics-demo", "vectors", "demo_em_cells.lance")));

        var second = VolumesTool.Run(_work.Path, "--demo-size", "64").Succeeded();
        Assert.Contains("already in", second.Stderr, StringComparison.Ordinal);
        Assert.Equal("already complete: nothing to do", second.Summary("outcome"));
    }

    [Theory]
    [InlineData("embed", "v.zarr", "--table", "t")]
    [InlineData("embed", "v.zarr", "--db", "out", "--table", "t", "--cell", "16", "--per-block")]
    [InlineData("embed", "v.zarr", "--db", "out", "--table", "t", "--halo", "wide")]
    [InlineData("embed", "v.zarr", "--db", "out", "--table", "t", "--preset", "huge")]
    public void A_bad_embed_command_line_exits_with_2(params string[] arguments)
    {
        VolumesTool.Run(_work.Path, arguments).SingleError(code: 2);
        Assert.False(Directory.Exists(_work.File("out")));
    }

    [Fact]
    public void A_block_that_is_not_a_multiple_of_the_output_stride_and_a_missing_volume_fail_writing_nothing()
    {
        demo.Run.Succeeded();
        var stride = VolumesTool.Run(_work.Path, "embed", demo.Image, "--db", "out", "--table", "t", "--block", "30").SingleError();
        Assert.Contains("block size 30 is not a multiple of the model's output stride 4", stride, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_work.File("out", "t.lance")));

        var missing = VolumesTool.Run(_work.Path, "embed", "missing.zarr", "--db", "out", "--table", "t").SingleError();
        Assert.Contains("missing.zarr", missing, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_work.File("out", "t.lance")));
    }

    private static long Number(JsonElement row, string name) => row.GetProperty(name).ValueKind == JsonValueKind.String
        ? long.Parse(row.GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture)
        : row.GetProperty(name).GetInt64();
}
