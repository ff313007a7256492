using System.Runtime.InteropServices;
using System.Text.Json;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Reading;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Tests.Stores;

/// <summary>
/// <see cref="VolumeStore"/> over hierarchies written by independent implementations: zarr-python 2.13 (an OME-Zarr 0.4
/// image with a singleton time axis and consolidated metadata; plain nested groups) and zarrita 0.7.5 (an OME-Zarr 0.5
/// image next to a plain group). The arrays found, their voxel sizes (converted to nanometres from the units written)
/// and their values (equal to what the writer read back) are checked.
/// </summary>
public sealed class VolumeStoreInteropTests
{
    private static string Folder => Path.Combine(RepositoryRoot.Path, "tests", "Connectomics.Volumes.Tests", "Stores");

    [Fact]
    public async Task Hierarchies_zarr_python_writes_are_listed_and_read_with_their_voxel_sizes()
    {
        using var directory = new TempDirectory("volume-store-zarr-python");
        var (code, stdout, stderr) = await DebianPython.RunAsync(
            "the Zarr v2 tests need Debian's Python with zarr-python: apt-get install -y python3-zarr python3-numcodecs python3-numpy",
            [Path.Combine(Folder, "zarr_python_ome_write.py"), directory.Path]);
        Assert.True(code == 0, $"zarr_python_ome_write.py failed ({code}):\n{stderr}\n{stdout}");
        Assert.StartsWith("2.", JsonDocument.Parse(stdout).RootElement.GetProperty("zarr").GetString(), StringComparison.Ordinal);

        var ome = VolumeStore.Open(Path.Combine(directory.Path, "ome.zarr"));
        var description = await ome.DescribeAsync();
        Assert.Equal(VolumeFormat.ZarrV2, description.Format);
        Assert.Equal(["0", "1"], description.Arrays.Select(a => a.Name));
        Assert.Equal([1L, 2, 9, 10, 11], description.Arrays[0].Shape);
        Assert.Equal(["t", "c", "z", "y", "x"], description.Arrays[0].DimensionNames);
        Assert.StartsWith("blosc(lz4", description.Arrays[0].CodecSummary, StringComparison.Ordinal);
        Assert.Equal("mean", description.Images.Single().Multiscales.Single().Type);

        var level0 = await ome.OpenArrayAsync();
        Assert.Equal(("0", 0, "nanometer"), (level0.Name, level0.Level, level0.Unit));
        Assert.Equal((40d, 8d, 8d), Rounded(level0.VoxelSize));
        Assert.Equal([2L, 9, 10, 11], level0.Array.Info.Shape);
        await AssertValuesAsync(level0.Array, Path.Combine(directory.Path, "ome_0.bin"));

        var level1 = await ome.OpenArrayAsync("1");
        Assert.Equal(1, level1.Level);
        Assert.Equal((80d, 16d, 16d), Rounded(level1.VoxelSize));
        await AssertValuesAsync(level1.Array, Path.Combine(directory.Path, "ome_1.bin"));

        var plain = VolumeStore.Open(Path.Combine(directory.Path, "plain.zarr"));
        var plainDescription = await plain.DescribeAsync();
        Assert.Equal(["volumes/labels", "volumes/raw"], plainDescription.Arrays.Select(a => a.Name));
        Assert.All(plainDescription.Arrays, a => Assert.Equal("voxel", a.Unit));
        var raw = await plain.OpenArrayAsync("volumes/raw");
        Assert.Equal((1d, 1d, 1d), raw.VoxelSize);
        await AssertValuesAsync(raw.Array, Path.Combine(directory.Path, "plain_volumes_raw.bin"));
        await AssertValuesAsync((await plain.OpenArrayAsync("volumes/labels")).Array, Path.Combine(directory.Path, "plain_volumes_labels.bin"));
    }

    [Fact]
    public async Task An_ome_zarr_0_5_hierarchy_zarrita_writes_is_listed_and_read_with_its_voxel_sizes()
    {
        using var directory = new TempDirectory("volume-store-zarrita");
        await ZarritaInstall.RunNodeScriptAsync(Path.Combine(Folder, "zarrita-ome-write.mjs"), directory.Path);

        var store = VolumeStore.Open(Path.Combine(directory.Path, "image.zarr"));
        var description = await store.DescribeAsync();
        Assert.Equal(VolumeFormat.ZarrV3, description.Format);
        Assert.Equal(["0", "1", "labels/cells"], description.Arrays.Select(a => a.Name));
        Assert.Equal([0, 1, 0], description.Arrays.Select(a => a.Level));
        Assert.Equal([string.Empty, string.Empty, null], description.Arrays.Select(a => a.Multiscale));
        Assert.Equal(["c", "z", "y", "x"], description.Arrays[0].DimensionNames);
        Assert.Equal("bytes(little) → zstd(level 3)", description.Arrays[0].CodecSummary);
        Assert.Equal("voxel", description.Arrays[2].Unit);

        var level0 = await store.OpenArrayAsync();
        Assert.Equal("0", level0.Name);
        Assert.Equal((50d, 8d, 8d), Rounded(level0.VoxelSize));
        Assert.Equal(2, new VolumeArray(level0.Array).Channels);
        await AssertValuesAsync(level0.Array, Path.Combine(directory.Path, "0.bin"));

        var level1 = await store.OpenArrayAsync("1");
        Assert.Equal((100d, 16d, 16d), Rounded(level1.VoxelSize));
        await AssertValuesAsync(level1.Array, Path.Combine(directory.Path, "1.bin"));

        var cells = await store.OpenArrayAsync("labels/cells");
        Assert.Equal(("labels/cells", "voxel"), (cells.Name, cells.Unit));
        await AssertValuesAsync(cells.Array, Path.Combine(directory.Path, "labels_cells.bin"));
    }

    private static (double, double, double) Rounded((double Z, double Y, double X) size) => (Math.Round(size.Z, 9), Math.Round(size.Y, 9), Math.Round(size.X, 9));

    private static async Task AssertValuesAsync(IChunkedArray array, string expectedFile)
    {
        var volume = new VolumeArray(array);
        var info = array.Info;
        var lead = info.Rank - 3;
        var box = Box3.FromShape(new Index3(info.Shape[lead], info.Shape[lead + 1], info.Shape[lead + 2]));
        var bytes = info.DataType switch
        {
            Data.VoxelType.UInt8 => (await volume.ReadAsync<byte>(box)).Data.ToArray(),
            Data.VoxelType.UInt16 => MemoryMarshal.AsBytes((await volume.ReadAsync<ushort>(box)).Data.Span).ToArray(),
            Data.VoxelType.UInt32 => MemoryMarshal.AsBytes((await volume.ReadAsync<uint>(box)).Data.Span).ToArray(),
            Data.VoxelType.UInt64 => MemoryMarshal.AsBytes((await volume.ReadAsync<ulong>(box)).Data.Span).ToArray(),
            var other => throw new InvalidOperationException($"no reader for {other} in this test"),
        };
        var expected = await File.ReadAllBytesAsync(expectedFile);
        Assert.True(expected.AsSpan().SequenceEqual(bytes), $"{info.Location} differs from {Path.GetFileName(expectedFile)}");
    }
}
