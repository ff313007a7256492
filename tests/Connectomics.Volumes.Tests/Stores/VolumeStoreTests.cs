using System.Text.Json.Nodes;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Precomputed;
using Connectomics.Volumes.Reading;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr.V2;
using Connectomics.Volumes.Zarr.V3;

namespace Connectomics.Volumes.Tests.Stores;

/// <summary>Format detection, array discovery, voxel sizes and axis handling of <see cref="VolumeStore"/> over arrays
/// written by this package's writers; the hand-written metadata gives the expected values.</summary>
public sealed class VolumeStoreTests
{
    private static byte[] Ramp(int count, int seed = 0) => [.. Enumerable.Range(0, count).Select(i => (byte)((i * 7) + seed))];

    private static async Task WriteWholeAsync(IChunkedArrayWriter writer, byte[] data)
    {
        // One chunk covering the whole (small) array.
        var shape = writer.Info.WriteUnitShape;
        Assert.True(shape.Select(s => (long)s).SequenceEqual(writer.Info.Shape), "the test arrays are one write unit");
        await writer.WriteUnitAsync(new long[shape.Count], data);
    }

    [Fact]
    public async Task Detects_each_format_from_the_root_metadata()
    {
        var v3 = new MemoryStore("memory:v3");
        await ZarrV3Array.CreateAsync(v3, string.Empty, new ZarrV3ArrayOptions { Shape = [2, 3, 4], ChunkShape = [2, 3, 4], Codecs = [ZarrV3Codec.Bytes()] });
        Assert.Equal(VolumeFormat.ZarrV3, await VolumeStore.Open(v3).DetectFormatAsync());

        var v2 = new MemoryStore("memory:v2");
        await ZarrV2Group.CreateAsync(v2, string.Empty);
        var v2Store = VolumeStore.Open(v2);
        Assert.Null(v2Store.Format);
        Assert.Equal(VolumeFormat.ZarrV2, await v2Store.DetectFormatAsync());
        Assert.Equal(VolumeFormat.ZarrV2, v2Store.Format);

        var precomputed = new MemoryStore("memory:pc");
        await PrecomputedWriter.CreateAsync(precomputed, new PrecomputedWriterOptions
        {
            DataType = VoxelType.UInt8,
            Scales = { new PrecomputedScale { Key = "8_8_40", Size = new Index3(4, 4, 4), Resolution = [40, 8, 8], ChunkSize = new Index3(4, 4, 4) } },
        });
        Assert.Equal(VolumeFormat.Precomputed, await VolumeStore.Open(precomputed).DetectFormatAsync());
    }

    [Fact]
    public async Task A_folder_without_volume_metadata_names_what_was_looked_for()
    {
        using var directory = new TempDirectory("volume-store-empty");
        await File.WriteAllTextAsync(directory.File("readme.txt"), "not a volume");
        var error = await Assert.ThrowsAsync<VolumeFormatException>(() => VolumeStore.Open(directory.Path).DescribeAsync());
        Assert.Contains(directory.Path, error.Message, StringComparison.Ordinal);
        foreach (var name in new[] { "zarr.json", ".zgroup", ".zarray", ".zmetadata", "info" })
        {
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
        }

        Assert.Throws<DirectoryNotFoundException>(() => VolumeStore.Open(Path.Combine(directory.Path, "missing.zarr")));
        Assert.Throws<VolumeFeatureNotSupportedException>(() => VolumeStore.Open("s3://bucket/em"));
        Assert.Equal(directory.Path, VolumeStore.Open(new Uri(directory.Path).AbsoluteUri).Location);
        Assert.IsType<HttpStore>(VolumeStore.Open("https://example.org/em.zarr").Store);
        Assert.Equal("https://storage.googleapis.com/bucket/em", VolumeStore.Open("gs://bucket/em").Location);
    }

    [Fact]
    public async Task A_plain_zarr_v2_hierarchy_lists_its_arrays_and_opens_them_by_path_with_unit_voxels()
    {
        using var directory = new TempDirectory("volume-store-v2");
        var store = new FileSystemStore(directory.Path);
        var raw = await ZarrV2Array.CreateAsync(store, "volumes/raw", new ZarrV2ArrayOptions { Shape = [4, 5, 6], Chunks = [4, 5, 6], DataType = VoxelType.UInt8, FillValue = 3 });
        await WriteWholeAsync(raw, Ramp(120));
        await ZarrV2Array.CreateAsync(store, "labels", new ZarrV2ArrayOptions { Shape = [2, 2, 2], Chunks = [1, 2, 2], DataType = VoxelType.UInt64 });

        var volume = VolumeStore.Open(directory.Path);
        var description = await volume.DescribeAsync();
        Assert.Equal(VolumeFormat.ZarrV2, description.Format);
        Assert.Equal(["labels", "volumes/raw"], description.Arrays.Select(a => a.Name));
        var rawDescription = description.Arrays[1];
        Assert.Equal([4L, 5, 6], rawDescription.Shape);
        Assert.Equal([4, 5, 6], rawDescription.ChunkShape);
        Assert.Equal(VoxelType.UInt8, rawDescription.DataType);
        Assert.Equal(3, rawDescription.FillValue);
        Assert.Equal("voxel", rawDescription.Unit);
        Assert.Equal((1d, 1d, 1d), rawDescription.VoxelSize);
        Assert.Equal([1, 2, 2], description.Arrays[0].ChunkShape);

        var several = await Assert.ThrowsAsync<ArgumentException>(() => volume.OpenArrayAsync());
        Assert.Contains("'labels'", several.Message, StringComparison.Ordinal);
        Assert.Contains("'volumes/raw'", several.Message, StringComparison.Ordinal);

        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => volume.OpenArrayAsync("volumes/gt"));
        Assert.Contains("'volumes/gt'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("'volumes/raw'", unknown.Message, StringComparison.Ordinal);

        var opened = await volume.OpenArrayAsync("/volumes/raw");
        Assert.Equal("volumes/raw", opened.Name);
        Assert.Equal(0, opened.Level);
        Assert.Equal("voxel", opened.Unit);
        var region = await new VolumeArray(opened.Array).ReadAsync<byte>(Box3.FromStartSize(Index3.Zero, new Index3(4, 5, 6)), Boundary.Fill);
        Assert.Equal(Ramp(120), region.Data.ToArray());
    }

    [Fact]
    public async Task A_root_array_opens_without_a_name()
    {
        var store = new MemoryStore();
        var array = await ZarrV3Array.CreateAsync(store, string.Empty, new ZarrV3ArrayOptions
        {
            Shape = [2, 3, 4], ChunkShape = [2, 3, 4], Codecs = [ZarrV3Codec.Bytes()], DimensionNames = ["z", "y", "x"],
        });
        await WriteWholeAsync(array, Ramp(24, seed: 1));
        var opened = await VolumeStore.Open(store).OpenArrayAsync();
        Assert.Equal(string.Empty, opened.Name);
        Assert.Equal([2L, 3, 4], opened.Array.Info.Shape);
        var description = await VolumeStore.Open(store).DescribeAsync();
        Assert.Equal(["z", "y", "x"], description.Arrays.Single().DimensionNames);
    }

    [Fact]
    public async Task Ome_zarr_0_4_levels_get_their_voxel_size_in_nanometres_and_open_level_0_by_default()
    {
        var store = new MemoryStore();
        await ZarrV2Group.CreateAsync(store, string.Empty, JsonNode.Parse("""
            {"multiscales": [{"version": "0.4", "name": "em",
              "axes": [{"name": "z", "type": "space", "unit": "micrometer"}, {"name": "y", "type": "space", "unit": "nanometer"},
                       {"name": "x", "type": "space", "unit": "angstrom"}],
              "datasets": [
                {"path": "s0", "coordinateTransformations": [{"type": "scale", "scale": [0.04, 8, 80]}]},
                {"path": "s1", "coordinateTransformations": [{"type": "scale", "scale": [0.08, 16, 160]}, {"type": "translation", "translation": [0.02, 4, 40]}]}],
              "coordinateTransformations": [{"type": "scale", "scale": [1, 1, 0.5]}]}]}
            """)!.AsObject());
        var s0 = await ZarrV2Array.CreateAsync(store, "s0", new ZarrV2ArrayOptions { Shape = [4, 4, 4], Chunks = [4, 4, 4], DataType = VoxelType.UInt8, DimensionSeparator = '/' });
        await WriteWholeAsync(s0, Ramp(64));
        await ZarrV2Array.CreateAsync(store, "s1", new ZarrV2ArrayOptions { Shape = [2, 2, 2], Chunks = [2, 2, 2], DataType = VoxelType.UInt8, DimensionSeparator = '/' });

        var volume = VolumeStore.Open(store);
        var level0 = await volume.OpenArrayAsync();
        Assert.Equal("s0", level0.Name);
        Assert.Equal(0, level0.Level);
        Assert.Equal("nanometer", level0.Unit);
        AssertClose((40, 8, 4), level0.VoxelSize);

        var level1 = await volume.OpenArrayAsync("s1");
        Assert.Equal(1, level1.Level);
        AssertClose((80, 16, 8), level1.VoxelSize);

        var description = await volume.DescribeAsync();
        Assert.Equal(["s0", "s1"], description.Arrays.Select(a => a.Name));
        Assert.Equal([0, 1], description.Arrays.Select(a => a.Level));
        Assert.All(description.Arrays, a => Assert.Equal(string.Empty, a.Multiscale));
        Assert.Equal("em", description.Images.Single().Multiscales.Single().Name);
        Assert.Equal(["z", "y", "x"], description.Arrays[0].DimensionNames);
    }

    [Fact]
    public async Task Ome_zarr_0_5_with_a_singleton_time_axis_and_channels_reads_as_c_z_y_x()
    {
        var store = new MemoryStore();
        await ZarrV3Group.CreateAsync(store, string.Empty, JsonNode.Parse("""
            {"ome": {"version": "0.5", "multiscales": [{
              "axes": [{"name": "t", "type": "time", "unit": "second"}, {"name": "c", "type": "channel"},
                       {"name": "z", "type": "space", "unit": "nanometer"}, {"name": "y", "type": "space", "unit": "nanometer"},
                       {"name": "x", "type": "space", "unit": "nanometer"}],
              "datasets": [{"path": "0", "coordinateTransformations": [{"type": "scale", "scale": [1, 1, 30, 4, 4]}]}]}]}}
            """)!.AsObject());
        var array = await ZarrV3Array.CreateAsync(store, "0", new ZarrV3ArrayOptions
        {
            Shape = [1, 2, 3, 4, 5], ChunkShape = [1, 2, 3, 4, 5], Codecs = [ZarrV3Codec.Bytes()], DimensionNames = ["t", "c", "z", "y", "x"],
        });
        var data = Ramp(120, seed: 9);
        await WriteWholeAsync(array, data);

        var opened = await VolumeStore.Open(store).OpenArrayAsync();
        Assert.Equal([2L, 3, 4, 5], opened.Array.Info.Shape);
        Assert.Equal(["c", "z", "y", "x"], opened.Array.Info.DimensionNames);
        Assert.Equal("0/c/0/0/0/0/0", opened.Array.ChunkKey([0, 0, 0, 0]));
        AssertClose((30, 4, 4), opened.VoxelSize);
        var volume = new VolumeArray(opened.Array);
        Assert.Equal(2, volume.Channels);
        var region = await volume.ReadAsync<byte>(Box3.FromStartSize(Index3.Zero, new Index3(3, 4, 5)), Boundary.Fill);
        Assert.Equal(data, region.Data.ToArray());
    }

    [Fact]
    public async Task Precomputed_scales_are_named_by_key_with_their_resolution()
    {
        var store = new MemoryStore();
        var writer = await PrecomputedWriter.CreateAsync(store, new PrecomputedWriterOptions
        {
            DataType = VoxelType.UInt8,
            Scales =
            {
                new PrecomputedScale { Key = "8_8_40", Size = new Index3(4, 4, 4), Resolution = [40, 8, 8], ChunkSize = new Index3(4, 4, 4) },
                new PrecomputedScale { Key = "16_16_40", Size = new Index3(4, 2, 2), Resolution = [40, 16, 16], ChunkSize = new Index3(4, 2, 2) },
            },
        });
        var data = Ramp(64, seed: 3);
        await writer.OpenScale(0).WriteUnitAsync(new long[] { 0, 0, 0 }, data);

        var volume = VolumeStore.Open(store);
        var first = await volume.OpenArrayAsync();
        Assert.Equal("8_8_40", first.Name);
        Assert.Equal((40d, 8d, 8d), first.VoxelSize);
        Assert.Equal("nanometer", first.Unit);
        var second = await volume.OpenArrayAsync("16_16_40");
        Assert.Equal(1, second.Level);
        Assert.Equal((40d, 16d, 16d), second.VoxelSize);
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => volume.OpenArrayAsync("4_4_40"));
        Assert.Contains("'8_8_40'", unknown.Message, StringComparison.Ordinal);

        var description = await volume.DescribeAsync();
        Assert.Equal(VolumeFormat.Precomputed, description.Format);
        Assert.Equal(["8_8_40", "16_16_40"], description.Arrays.Select(a => a.Name));
        Assert.Equal([4L, 2, 2], description.Arrays[1].Shape);
        var region = await new VolumeArray(first.Array).ReadAsync<byte>(Box3.FromStartSize(Index3.Zero, new Index3(4, 4, 4)), Boundary.Fill);
        Assert.Equal(data, region.Data.ToArray());
    }

    [Fact]
    public async Task Over_http_the_ome_levels_are_found_and_other_arrays_open_by_name()
    {
        using var directory = new TempDirectory("volume-store-http");
        var files = new FileSystemStore(directory.Path);
        var options = new Connectomics.Volumes.Ome.OmeZarrImageOptions { Name = "served" };
        foreach (var level in Connectomics.Volumes.Ome.OmeZarrPyramid.PlanLevels(options.Axes, [4, 4, 4], [4, 4, 4], [30, 8, 8], 2))
        {
            options.Levels.Add(level);
        }

        var writer = await Connectomics.Volumes.Ome.OmeZarrWriter.CreateAsync(files, string.Empty, options);
        var data = Ramp(64, seed: 2);
        await writer.Levels[0].WriteUnitAsync(new long[] { 0, 0, 0 }, data);
        var extra = await ZarrV3Array.CreateAsync(files, "extra/raw", new ZarrV3ArrayOptions { Shape = [2, 2, 2], ChunkShape = [2, 2, 2], Codecs = [ZarrV3Codec.Bytes()] });
        await extra.WriteUnitAsync(new long[] { 0, 0, 0 }, Ramp(8, seed: 4));

        await using var server = new LoopbackHttpServer(directory.Path);
        var volume = VolumeStore.Open(server.BaseAddress.ToString());
        Assert.IsType<HttpStore>(volume.Store);
        var description = await volume.DescribeAsync();
        Assert.False(description.Listed);
        Assert.Equal(["s0", "s1"], description.Arrays.Select(a => a.Name));

        var s0 = await volume.OpenArrayAsync();
        Assert.Equal(("s0", "nanometer"), (s0.Name, s0.Unit));
        Assert.Equal((30d, 8d, 8d), s0.VoxelSize);
        var region = await new VolumeArray(s0.Array).ReadAsync<byte>(Box3.FromShape(new Index3(4, 4, 4)));
        Assert.Equal(data, region.Data.ToArray());

        var named = await volume.OpenArrayAsync("extra/raw");
        Assert.Equal("voxel", named.Unit);
        Assert.Equal(Ramp(8, seed: 4), (await new VolumeArray(named.Array).ReadAsync<byte>(Box3.FromShape(new Index3(2, 2, 2)))).Data.ToArray());

        var missing = await Assert.ThrowsAsync<ArgumentException>(() => volume.OpenArrayAsync("extra/gt"));
        Assert.Contains("cannot be listed", missing.Message, StringComparison.Ordinal);
    }

    private static void AssertClose((double Z, double Y, double X) expected, (double Z, double Y, double X) actual)
    {
        Assert.Equal(expected.Z, actual.Z, 9);
        Assert.Equal(expected.Y, actual.Y, 9);
        Assert.Equal(expected.X, actual.X, 9);
    }
}
