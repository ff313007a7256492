using System.Security.Cryptography;
using System.Text.Json;

namespace Connectomics.Volumes.Tool.Tests;

/// <summary>
/// The demo volume: the same voxels every time (a fixed digest), an OME-Zarr 0.5 image with a sharded blosc-zstd
/// array that zarrita reads equal, and EM-like structure that can be checked by hand from the cell centres the image
/// records: bright cell interiors, dark membranes on the planes halfway between neighbouring centres.
/// </summary>
public sealed class DemoVolumeTests(DemoVolumeFixture demo) : IClassFixture<DemoVolumeFixture>
{
    /// <summary>SHA-256 of the 96³ demo volume's voxels (seed 20261203), C order.</summary>
    private const string VoxelDigest = "52189D51B6F2CBDF04CA5F6B127A69C9D96AF0320EB5F0CBFFFC7BA8C156BD7F";

    [Fact]
    public async Task The_demo_volume_is_the_same_every_time_and_a_second_run_leaves_it_as_it_was()
    {
        demo.Run.Succeeded();
        var voxels = await VolumesTool.ReadAllAsync(await VolumesTool.OpenAsync(demo.Image));
        Assert.Equal(DemoVolumeFixture.Size * DemoVolumeFixture.Size * DemoVolumeFixture.Size, voxels.Length);
        Assert.Equal(VoxelDigest, Convert.ToHexString(SHA256.HashData(voxels)));

        var before = FileHashes.OfDirectory(demo.Image);
        var again = VolumesTool.Run(demo.Directory, "--demo-size", "96", "--demo-dir", "demo").Succeeded();
        Assert.Contains("already in", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, FileHashes.OfDirectory(demo.Image));
    }

    [Fact]
    public async Task The_image_is_ome_zarr_0_5_with_a_sharded_blosc_zstd_array_that_zarrita_reads_equal()
    {
        demo.Run.Succeeded();
        var attributes = VolumesTool.DemoAttributes(demo.Image);
        var ome = attributes.GetProperty("ome");
        Assert.Equal("0.5", ome.GetProperty("version").GetString());
        var multiscale = ome.GetProperty("multiscales")[0];
        Assert.Equal(["z", "y", "x"], multiscale.GetProperty("axes").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Equal("s0", multiscale.GetProperty("datasets")[0].GetProperty("path").GetString());

        using var array = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(demo.Image, "s0", "zarr.json")));
        var sharding = array.RootElement.GetProperty("codecs")[0];
        Assert.Equal("sharding_indexed", sharding.GetProperty("name").GetString());
        Assert.Equal([32, 32, 32], sharding.GetProperty("configuration").GetProperty("chunk_shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([128, 128, 128], array.RootElement.GetProperty("chunk_grid").GetProperty("configuration").GetProperty("chunk_shape").EnumerateArray().Select(e => e.GetInt32()));
        var blosc = sharding.GetProperty("configuration").GetProperty("codecs")[1];
        Assert.Equal("blosc", blosc.GetProperty("name").GetString());
        Assert.Equal("zstd", blosc.GetProperty("configuration").GetProperty("cname").GetString());

        // zarrita reads the sharded array on its own.
        await File.WriteAllTextAsync(Path.Combine(demo.Image, "manifest.json"), JsonSerializer.Serialize(new[] { "s0" }));
        try
        {
            await ZarritaInstall.RunNodeScriptAsync(Path.Combine(RepositoryRoot.Path, "tests", "Connectomics.Volumes.Tests", "Zarr", "V3", "zarrita-interop.mjs"), "read", demo.Image);
            var zarrita = await File.ReadAllBytesAsync(Path.Combine(demo.Image, "s0.zarrita.bin"));
            var ours = await VolumesTool.ReadAllAsync(await VolumesTool.OpenAsync(demo.Image));
            Assert.True(zarrita.AsSpan().SequenceEqual(ours), "zarrita reads other voxels");
        }
        finally
        {
            File.Delete(Path.Combine(demo.Image, "manifest.json"));
            File.Delete(Path.Combine(demo.Image, "s0.zarrita.bin"));
        }
    }

    [Fact]
    public async Task Cell_interiors_are_bright_and_membranes_between_neighbouring_cells_dark()
    {
        demo.Run.Succeeded();
        var size = DemoVolumeFixture.Size;
        var voxels = await VolumesTool.ReadAllAsync(await VolumesTool.OpenAsync(demo.Image));
        var record = VolumesTool.DemoAttributes(demo.Image).GetProperty("connectomics_demo");
        var cells = record.GetProperty("cells").EnumerateArray()
            .Select(c => (Z: c[0].GetDouble(), Y: c[1].GetDouble(), X: c[2].GetDouble())).ToList();
        Assert.Equal(8, cells.Count);
        byte At(double z, double y, double x) => voxels[(((int)Math.Round(z) * size) + (int)Math.Round(y)) * size + (int)Math.Round(x)];

        // Interiors: the 3³ voxels around each centre (blobs may darken a few).
        var interior = cells.SelectMany(c =>
            from dz in new[] { -1, 0, 1 } from dy in new[] { -1, 0, 1 } from dx in new[] { -1, 0, 1 }
            select (double)At(c.Z + dz, c.Y + dy, c.X + dx)).ToList();

        // Membranes: the midpoint of two centres is on their boundary when no third centre is nearer to it.
        var membrane = new List<double>();
        for (var i = 0; i < cells.Count; i++)
        {
            for (var j = i + 1; j < cells.Count; j++)
            {
                var m = ((cells[i].Z + cells[j].Z) / 2, (cells[i].Y + cells[j].Y) / 2, (cells[i].X + cells[j].X) / 2);
                var own = Distance(m, cells[i]);
                if (cells.Where((_, k) => k != i && k != j).All(c => Distance(m, c) > own + 3))
                {
                    membrane.Add(At(m.Item1, m.Item2, m.Item3));
                }
            }
        }

        Assert.True(membrane.Count >= 6, $"only {membrane.Count} boundary midpoints");
        Assert.True(interior.Average() > 140, $"cell interiors average {interior.Average():F1}");
        Assert.True(membrane.Average() < 90, $"membranes average {membrane.Average():F1}");

        // Hand-checkable statistics: most voxels are cell interior (levels 150..199 plus noise), a minority dark.
        var dark = voxels.Count(v => v < 100) / (double)voxels.Length;
        var mean = voxels.Average(v => (double)v);
        Assert.InRange(dark, 0.03, 0.35);
        Assert.InRange(mean, 130, 185);
    }

    private static double Distance((double Z, double Y, double X) a, (double Z, double Y, double X) b) =>
        Math.Sqrt(((a.Z - b.Z) * (a.Z - b.Z)) + ((a.Y - b.Y) * (a.Y - b.Y)) + ((a.X - b.X) * (a.X - b.X)));
}
