using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Conversion;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Tests.Reading;
using ZarrPython = Connectomics.Volumes.Tests.Zarr.V2.ZarrPython;
using Connectomics.Volumes.Tests.Zarr.V3;
using Connectomics.Volumes.Zarr.V3;

namespace Connectomics.Volumes.Tests.Conversion;

/// <summary>
/// Whole-array conversion between the formats: every source format into every destination format on arrays of odd
/// sizes, compared voxel for voxel with the data first written; zarr-python reads the Zarr v2 we write and zarrita the
/// sharded Zarr v3; a failing source read leaves no partial unit behind; bad options are refused before any write.
/// </summary>
public sealed class VolumeConverterTests
{
    private static readonly long[] Shape = [13, 17, 11];

    public static TheoryData<string, string> Pairs()
    {
        var pairs = new TheoryData<string, string>();
        foreach (var source in ConversionArrays.SourceKinds)
        {
            foreach (var destination in Destinations.Keys)
            {
                pairs.Add(source, destination);
            }
        }

        return pairs;
    }

    private static readonly Dictionary<string, VolumeConversionOptions> Destinations = new()
    {
        ["zarr2"] = new() { Format = VolumeFormat.ZarrV2, Codec = "zlib", ChunkShape = [6, 5, 4] },
        ["zarr2-default-chunks"] = new() { Format = VolumeFormat.ZarrV2, Codec = "blosc-lz4" },
        ["zarr3"] = new() { Format = VolumeFormat.ZarrV3, Codec = "raw", ChunkShape = [7, 3, 5], Concurrency = 1 },
        ["zarr3-sharded"] = new() { Format = VolumeFormat.ZarrV3, Codec = "blosc-zstd", ChunkShape = [4, 4, 4], ShardShape = [8, 8, 12], CacheBytes = 0 },
        ["precomputed"] = new() { Format = VolumeFormat.Precomputed, ChunkShape = [5, 6, 7], VoxelSize = [40, 4, 4] },
        ["precomputed-gzip"] = new() { Format = VolumeFormat.Precomputed, Codec = "gzip", Concurrency = 8 },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public async Task Every_format_converts_to_every_format_voxel_for_voxel(string sourceKind, string destinationKind)
    {
        using var directory = new TempDirectory("convert-pairs");
        var data = TestVolumes.Create(VoxelType.UInt16, Shape, seed: sourceKind.Length + destinationKind.Length, fill: 0, fillBlockEdge: 7);
        var source = await ConversionArrays.WriteSourceAsync(sourceKind, Path.Combine(directory.Path, "source"), VoxelType.UInt16, Shape, data);
        var options = Destinations[destinationKind];
        var reports = new List<VolumeConversionProgress>();

        var result = await new VolumeConverter(options).ConvertAsync(
            source, new FileSystemStore(Path.Combine(directory.Path, "out")), "", new SynchronousProgress(reports));

        var destination = await ConversionArrays.OpenAsync(options.Format, Path.Combine(directory.Path, "out"));
        Assert.Equal(Shape, destination.Info.Shape);
        Assert.Equal(VoxelType.UInt16, destination.Info.DataType);
        Assert.True((await WholeArrays.ReadAsync(destination)).AsSpan().SequenceEqual(data), $"{sourceKind} → {destinationKind}: the voxels differ");

        // The write units are the destination's chunks or shards, each stored once.
        var unit = destination.Info.WriteUnitShape;
        var expectedUnits = Shape.Select((extent, axis) => (extent + unit[axis] - 1) / unit[axis]).Aggregate(1L, (a, b) => a * b);
        Assert.Equal(expectedUnits, result.Units);
        Assert.Equal(expectedUnits, reports.Count);
        Assert.Equal(Enumerable.Range(1, (int)expectedUnits).Select(i => (long)i), reports.Select(r => r.UnitsDone).Order());
        if (options.ChunkShape is { } chunk)
        {
            Assert.Equal(chunk, destination.Info.ChunkShape);
        }
        else if (options.Format != VolumeFormat.Precomputed)
        {
            Assert.Equal(source.Info.ChunkShape, destination.Info.ChunkShape);
        }

        Assert.Equal(options.ShardShape, destination.Info.ShardShape);
    }

    [Fact]
    public async Task Zarr_python_reads_the_zarr_v2_we_convert_to()
    {
        using var directory = new TempDirectory("convert-zarr-python");
        var entries = new JsonArray();
        var expected = new Dictionary<string, byte[]>();
        foreach (var (codec, type) in new[] { ("blosc-lz4", VoxelType.UInt8), ("zstd", VoxelType.Int16), ("gzip", VoxelType.Float32), ("raw", VoxelType.UInt16) })
        {
            var name = $"{codec}-{type}";
            var data = TestVolumes.Create(type, Shape, seed: name.Length, fill: 0, fillBlockEdge: 5);
            var source = await ConversionArrays.WriteSourceAsync("zarr3-sharded", Path.Combine(directory.Path, name + ".source"), type, Shape, data);
            await new VolumeConverter(new VolumeConversionOptions { Format = VolumeFormat.ZarrV2, Codec = codec, ChunkShape = [5, 8, 4] })
                .ConvertAsync(source, new FileSystemStore(Path.Combine(directory.Path, name + ".zarr")), "");
            entries.Add(new JsonObject { ["name"] = name, ["store"] = name + ".zarr", ["path"] = "" });
            expected[name] = data;
        }

        var manifest = Path.Combine(directory.Path, "converted.json");
        await File.WriteAllTextAsync(manifest, new JsonObject { ["entries"] = entries }.ToJsonString());
        using var read = ZarrPython.Read(manifest);
        foreach (var result in read.RootElement.GetProperty("results").EnumerateArray())
        {
            var name = result.GetProperty("name").GetString()!;
            Assert.False(result.TryGetProperty("error", out var error), $"{name}: {error}");
            Assert.Equal([5, 8, 4], result.GetProperty("chunks").EnumerateArray().Select(e => e.GetInt32()));
            Assert.True((await File.ReadAllBytesAsync(Path.Combine(directory.Path, name + ".read.bin"))).AsSpan().SequenceEqual(expected[name]), $"zarr-python reads {name} differently");
        }

        Assert.Equal(expected.Count, read.RootElement.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task Zarrita_reads_the_sharded_zarr_v3_we_convert_to()
    {
        using var directory = new TempDirectory("convert-zarrita");
        var names = new List<string>();
        var expected = new Dictionary<string, byte[]>();
        foreach (var (source, codec, type) in new[] { ("zarr2", "blosc-zstd", VoxelType.UInt8), ("precomputed", "gzip", VoxelType.UInt16), ("zarr3", "zstd", VoxelType.Int32) })
        {
            var name = $"{source}_{codec}_{type}".Replace('-', '_');
            var data = TestVolumes.Create(type, Shape, seed: name.Length, fill: 0, fillBlockEdge: 6);
            var array = await ConversionArrays.WriteSourceAsync(source, Path.Combine(directory.Path, name + ".source"), type, Shape, data);
            await new VolumeConverter(new VolumeConversionOptions { Format = VolumeFormat.ZarrV3, Codec = codec, ChunkShape = [4, 6, 4], ShardShape = [8, 12, 8] })
                .ConvertAsync(array, new FileSystemStore(Path.Combine(directory.Path, name)), "");
            names.Add(name);
            expected[name] = data;
        }

        await File.WriteAllTextAsync(Path.Combine(directory.Path, "manifest.json"), JsonSerializer.Serialize(names));
        var output = await ZarritaInstall.RunNodeScriptAsync(ZarritaScript, "read", directory.Path);
        foreach (var name in names)
        {
            Assert.Contains($"\"read\":\"{name}\"", output, StringComparison.Ordinal);
            Assert.True((await File.ReadAllBytesAsync(Path.Combine(directory.Path, $"{name}.zarrita.bin"))).AsSpan().SequenceEqual(expected[name]), $"zarrita reads {name} differently");
        }
    }

    [Fact]
    public async Task Channels_are_split_into_units_and_kept_whole_in_precomputed()
    {
        using var directory = new TempDirectory("convert-channels");
        long[] shape = [3, 7, 9, 10];
        var data = TestVolumes.Create(VoxelType.UInt8, shape, seed: 4);
        var source = await ConversionArrays.WriteSourceAsync("zarr3", Path.Combine(directory.Path, "source"), VoxelType.UInt8, shape, data);

        // Two channels per chunk: the second channel unit holds channel 2 and one past the edge.
        var zarr = await new VolumeConverter(new VolumeConversionOptions { Format = VolumeFormat.ZarrV2, ChunkShape = [2, 4, 5, 6] })
            .ConvertAsync(source, new FileSystemStore(Path.Combine(directory.Path, "zarr2")), "");
        Assert.Equal([2, 4, 5, 6], zarr.Destination.ChunkShape);
        Assert.Equal(data, await WholeArrays.ReadAsync(await ConversionArrays.OpenAsync(VolumeFormat.ZarrV2, Path.Combine(directory.Path, "zarr2"))));

        // Three spatial extents keep the source's channel chunking (one channel) in Zarr, all channels in precomputed.
        var v3 = await new VolumeConverter(new VolumeConversionOptions { Format = VolumeFormat.ZarrV3, ChunkShape = [3, 3, 3] })
            .ConvertAsync(source, new FileSystemStore(Path.Combine(directory.Path, "zarr3")), "");
        Assert.Equal([1, 3, 3, 3], v3.Destination.ChunkShape);
        Assert.Equal(["c", "z", "y", "x"], v3.Destination.DimensionNames);
        Assert.Equal(data, await WholeArrays.ReadAsync(await ConversionArrays.OpenAsync(VolumeFormat.ZarrV3, Path.Combine(directory.Path, "zarr3"))));

        var precomputed = await new VolumeConverter(new VolumeConversionOptions { Format = VolumeFormat.Precomputed, ChunkShape = [4, 4, 4] })
            .ConvertAsync(source, new FileSystemStore(Path.Combine(directory.Path, "precomputed")), "");
        Assert.Equal([3, 4, 4, 4], precomputed.Destination.ChunkShape);
        Assert.Equal(data, await WholeArrays.ReadAsync(await ConversionArrays.OpenAsync(VolumeFormat.Precomputed, Path.Combine(directory.Path, "precomputed"))));
    }

    [Fact]
    public async Task A_failing_source_read_leaves_every_stored_unit_whole_and_the_failed_one_unwritten()
    {
        long[] shape = [16, 16, 16];
        var data = TestVolumes.Create(VoxelType.UInt8, shape, seed: 9);
        var source = new InMemoryChunkedArray(shape, [4, 4, 4], VoxelType.UInt8, data);
        source.Corrupt.Add("c/2/1/3");
        using var directory = new TempDirectory("convert-failure");
        var store = new FileSystemStore(directory.Path);

        // Shards of 8³ (8 inner chunks of 4³): the corrupt source chunk lies in shard (1, 0, 1).
        var converter = new VolumeConverter(new VolumeConversionOptions { Format = VolumeFormat.ZarrV3, ChunkShape = [4, 4, 4], ShardShape = [8, 8, 8], Concurrency = 3, Read = new() { Retries = 0 } });
        var error = await Assert.ThrowsAsync<VolumeDataException>(() => converter.ConvertAsync(source, store, "out"));
        Assert.Equal("c/2/1/3", error.ChunkKey);

        var keys = new List<string>();
        await foreach (var key in store.ListAsync(""))
        {
            keys.Add(key);
        }

        Assert.Contains("out/zarr.json", keys);
        Assert.DoesNotContain("out/c/1/0/1", keys);
        Assert.All(keys, key => Assert.Matches(@"^out/(zarr\.json|c/\d/\d/\d)$", key));

        // Every shard that is there decodes whole and holds the source's voxels.
        var written = await ZarrV3Array.OpenAsync(new FileSystemStore(directory.Path), "out");
        foreach (var chunk in WholeArrays.Grid(written.Info.ChunkGridShape))
        {
            var shardKey = $"out/c/{chunk[0] / 2}/{chunk[1] / 2}/{chunk[2] / 2}";
            var decoded = await written.ReadChunkAsync(chunk);
            if (!keys.Contains(shardKey))
            {
                Assert.Null(decoded);
                continue;
            }

            Assert.NotNull(decoded);
            Assert.Equal(Cut(data, shape, chunk, 4), decoded);
        }
    }

    [Fact]
    public void Bad_options_are_refused_together_naming_each_setting()
    {
        var error = Assert.Throws<ValidationException>(() => new VolumeConverter(new VolumeConversionOptions
        {
            Format = VolumeFormat.ZarrV3,
            Codec = "lz4",
            ChunkShape = [4, 4, 4],
            ShardShape = [8, 6, 8],
            Concurrency = 0,
            VoxelSize = [4, 4],
        }));
        Assert.Contains("Codec 'lz4' is not stored by ZarrV3", error.Message, StringComparison.Ordinal);
        Assert.Contains("ShardShape [8, 6, 8] is not a multiple of ChunkShape [4, 4, 4]", error.Message, StringComparison.Ordinal);
        Assert.Contains("Concurrency", error.Message, StringComparison.Ordinal);
        Assert.Contains("VoxelSize", error.Message, StringComparison.Ordinal);

        Assert.Contains("'snappy' is not a codec", Assert.Throws<ValidationException>(() => new VolumeConverter(new VolumeConversionOptions { Codec = "snappy" })).Message, StringComparison.Ordinal);
        Assert.Contains("only Zarr v3 stores shards", Assert.Throws<ValidationException>(() => new VolumeConverter(new VolumeConversionOptions { Format = VolumeFormat.ZarrV2, ShardShape = [8, 8, 8] })).Message, StringComparison.Ordinal);
        Assert.Contains("outside 0..9", Assert.Throws<ValidationException>(() => new VolumeConverter(new VolumeConversionOptions { Codec = "gzip", CompressionLevel = 12 })).Message, StringComparison.Ordinal);
        Assert.Contains("takes no level", Assert.Throws<ValidationException>(() => new VolumeConverter(new VolumeConversionOptions { Codec = "raw", CompressionLevel = 1 })).Message, StringComparison.Ordinal);
        Assert.Contains("'blosc-zstd' is not stored by Precomputed", Assert.Throws<ValidationException>(() => new VolumeConverter(new VolumeConversionOptions { Format = VolumeFormat.Precomputed, Codec = "blosc-zstd" })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_that_do_not_fit_the_source_an_occupied_destination_and_a_memory_bound_over_the_limit_write_nothing()
    {
        long[] shape = [10, 10, 10];
        var source = new InMemoryChunkedArray(shape, [5, 5, 5], VoxelType.UInt16, TestVolumes.Create(VoxelType.UInt16, shape, seed: 1));

        var store = new MemoryStore();
        var rank = await Assert.ThrowsAsync<ArgumentException>(() => new VolumeConverter(new VolumeConversionOptions { ChunkShape = [4, 4] }).ConvertAsync(source, store, "a"));
        Assert.Contains("memory://test/array", rank.Message, StringComparison.Ordinal);
        Assert.Contains("ChunkShape [4, 4] has 2 extents; the destination has 3 axes", rank.Message, StringComparison.Ordinal);

        var shard = await Assert.ThrowsAsync<ArgumentException>(() => new VolumeConverter(new VolumeConversionOptions { ShardShape = [8, 8, 8] }).ConvertAsync(source, store, "a"));
        Assert.Contains("the shard shape [8, 8, 8] is not a multiple of the chunk shape [5, 5, 5]", shard.Message, StringComparison.Ordinal);

        // The bound, by hand: cache 1000 + 2 reads × 5³ × 2 bytes + 3 units × (read 10³ × 2 + encoded 2 × 2000 + 64 KiB).
        var options = new VolumeConversionOptions { ChunkShape = [10, 10, 10], CacheBytes = 1000, Concurrency = 3, Read = new() { ReadConcurrency = 2 }, MaxMemoryBytes = 200_000 };
        var expectedBound = 1000 + (2 * 250) + (3 * (2000 + 4000 + 65536));
        Assert.Equal(expectedBound, new VolumeConverter(options).MemoryBoundBytes(source.Info));
        options.MaxMemoryBytes = expectedBound - 1;
        var memory = await Assert.ThrowsAsync<InvalidOperationException>(() => new VolumeConverter(options).ConvertAsync(source, store, "a"));
        Assert.Contains($"needs up to {expectedBound} bytes, more than MaxMemoryBytes {expectedBound - 1}", memory.Message, StringComparison.Ordinal);
        await foreach (var key in store.ListAsync(""))
        {
            Assert.Fail($"'{key}' was written");
        }

        await store.PutAsync("a/notes.txt", "keep me"u8.ToArray());
        var occupied = await Assert.ThrowsAsync<InvalidOperationException>(() => new VolumeConverter().ConvertAsync(source, store, "a"));
        Assert.Contains("holds 'a/notes.txt'", occupied.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync("a/zarr.json"));
    }

    private static string ZarritaScript => Path.Combine(RepositoryRoot.Path, "tests", "Connectomics.Volumes.Tests", "Zarr", "V3", "zarrita-interop.mjs");

    /// <summary>Cuts a whole chunk of <paramref name="edge"/>³ out of C-order uint8 data.</summary>
    private static byte[] Cut(byte[] data, long[] shape, long[] chunk, int edge)
    {
        var result = new byte[edge * edge * edge];
        for (var z = 0; z < edge; z++)
        {
            for (var y = 0; y < edge; y++)
            {
                for (var x = 0; x < edge; x++)
                {
                    var offset = ((((chunk[0] * edge) + z) * shape[1]) + (chunk[1] * edge) + y) * shape[2] + (chunk[2] * edge) + x;
                    result[(((z * edge) + y) * edge) + x] = data[offset];
                }
            }
        }

        return result;
    }

    /// <summary>Collects reports as they come (thread-safe), unlike <see cref="Progress{T}"/>, which posts them later.</summary>
    private sealed class SynchronousProgress(List<VolumeConversionProgress> reports) : IProgress<VolumeConversionProgress>
    {
        public void Report(VolumeConversionProgress value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
