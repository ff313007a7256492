using System.Text.Json;
using System.Text.Json.Nodes;
using Connectomics.Volumes.Codecs;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr;
using Connectomics.Volumes.Zarr.V2;

namespace Connectomics.Volumes.Tests.Zarr.V2;

/// <summary>zarr-python 2 (numcodecs, C-Blosc) reads the arrays we write equal to what we wrote, with the metadata we
/// gave them; all-fill chunks are not stored.</summary>
public sealed class ZarrPythonReadsZarrV2Tests
{
    private static readonly long[] Shape = [10, 19, 21];
    private static readonly int[] Chunks = [4, 8, 16];

    private sealed record Case(string Name, VoxelType Type, IBytesCodec? Compressor, ZarrV2Order Order = ZarrV2Order.C, char Separator = '.', ByteOrder ByteOrder = ByteOrder.Little, double Fill = 0);

    private static IEnumerable<Case> Cases()
    {
        foreach (var compressor in new[] { BloscCompressor.Lz4, BloscCompressor.Lz4Hc, BloscCompressor.Zstd, BloscCompressor.Zlib })
        {
            foreach (var shuffle in new[] { BloscShuffle.None, BloscShuffle.Byte, BloscShuffle.Bit })
            {
                foreach (var type in new[] { VoxelType.UInt8, VoxelType.UInt16, VoxelType.Int32, VoxelType.Float64 })
                {
                    yield return new Case($"blosc-{compressor}-{shuffle}-{type}", type, new BloscCodec(compressor, 5, shuffle));
                }
            }
        }

        foreach (var (name, codec) in new (string, IBytesCodec?)[] { ("zstd", new ZstdCodec(3)), ("gzip", new GzipCodec(5)), ("zlib", new ZlibCodec(4)), ("lz4", new Lz4Codec(1)), ("raw", null) })
        {
            yield return new Case($"{name}-u2", VoxelType.UInt16, codec);
            yield return new Case($"{name}-order-f-i4", VoxelType.Int32, codec, Order: ZarrV2Order.F);
            yield return new Case($"{name}-slash-big-f8", VoxelType.Float64, codec, Separator: '/', ByteOrder: ByteOrder.Big);
            yield return new Case($"{name}-order-f-slash-big-u2", VoxelType.UInt16, codec, ZarrV2Order.F, '/', ByteOrder.Big);
        }

        yield return new Case("nan-f4", VoxelType.Float32, new ZstdCodec(1), Fill: double.NaN);
        yield return new Case("neg-inf-big-f8", VoxelType.Float64, null, ByteOrder: ByteOrder.Big, Fill: double.NegativeInfinity);
        yield return new Case("fill-7-u2", VoxelType.UInt16, new BloscCodec(BloscCompressor.Lz4, 5, BloscShuffle.Byte), Fill: 7);
        yield return new Case("bool", VoxelType.Bool, new ZlibCodec(1));
        yield return new Case("int8", VoxelType.Int8, new ZstdCodec(1), Fill: -3);
        yield return new Case("int64", VoxelType.Int64, new GzipCodec(1), Fill: -5);
        yield return new Case("uint64", VoxelType.UInt64, new Lz4Codec(1), ByteOrder: ByteOrder.Big);
        yield return new Case("float16", VoxelType.Float16, null, Fill: 0.5);
        yield return new Case("uint32-big-f", VoxelType.UInt32, new ZstdCodec(1), ZarrV2Order.F, ByteOrder: ByteOrder.Big);
    }

    [Fact]
    public async Task Zarr_python_reads_what_we_write_equal_and_finds_only_the_chunks_that_are_not_all_fill()
    {
        using var directory = new TempDirectory("zarr-v2-ours");
        var entries = new JsonArray();
        var written = new Dictionary<string, (Case Case, byte[] Data, ZarrV2Array Array)>();
        var seed = 0;
        foreach (var c in Cases())
        {
            // Written in memory, then copied to files for zarr-python: durable file writes are the file store's tests' business.
            var store = new MemoryStore($"memory:{c.Name}");
            var array = await ZarrV2Array.CreateAsync(store, "vol/data", new ZarrV2ArrayOptions
            {
                Shape = Shape,
                Chunks = Chunks,
                DataType = c.Type,
                Compressor = c.Compressor,
                Order = c.Order,
                DimensionSeparator = c.Separator,
                ByteOrder = c.ByteOrder,
                FillValue = c.Fill,
                Attributes = new JsonObject { ["case"] = c.Name, ["_ARRAY_DIMENSIONS"] = new JsonArray("z", "y", "x") },
            });
            await ZarrV2Group.CreateAsync(store, "vol", new JsonObject { ["kind"] = "test volume" });

            // The first chunk row along z (z < 4) holds only the fill value, so its 3 x 2 chunks are not stored.
            var data = TestVolumes.Values(c.Type, Shape, ++seed, array.Info.FillValue.Span, fillRows: 4);
            await WholeArray.WriteAsync(array, data);
            written[c.Name] = (c, data, array);
            await MemoryStoreFiles.ExportAsync(store, Path.Combine(directory.Path, c.Name + ".zarr"));
            entries.Add(new JsonObject { ["name"] = c.Name, ["store"] = c.Name + ".zarr", ["path"] = "vol/data", ["group"] = "vol" });
        }

        var manifest = Path.Combine(directory.Path, "ours.json");
        await File.WriteAllTextAsync(manifest, new JsonObject { ["entries"] = entries }.ToJsonString());
        using var read = ZarrPython.Read(manifest);

        var failures = new List<string>();
        foreach (var result in read.RootElement.GetProperty("results").EnumerateArray())
        {
            var name = result.GetProperty("name").GetString()!;
            var (c, data, array) = written[name];
            if (result.TryGetProperty("error", out var error))
            {
                failures.Add($"{name}: zarr-python failed: {error.GetString()}");
                continue;
            }

            var dtype = result.GetProperty("dtype").GetString()!;
            var expectedByteOrder = c.Type.ByteSize() == 1 ? '|' : c.ByteOrder == ByteOrder.Big ? '>' : '<';
            if (dtype[0] != expectedByteOrder || result.GetProperty("order").GetString() != c.Order.ToString())
            {
                failures.Add($"{name}: zarr-python sees dtype {dtype}, order {result.GetProperty("order").GetString()}");
            }

            var compressor = result.GetProperty("compressor");
            if ((compressor.ValueKind == JsonValueKind.Null ? null : compressor.GetProperty("id").GetString()) != c.Compressor?.Name)
            {
                failures.Add($"{name}: zarr-python sees compressor {compressor.GetRawText()}");
            }

            if (result.GetProperty("attributes").GetProperty("case").GetString() != name || result.GetProperty("group_attributes").GetProperty("kind").GetString() != "test volume")
            {
                failures.Add($"{name}: attributes {result.GetProperty("attributes").GetRawText()} / {result.GetProperty("group_attributes").GetRawText()}");
            }

            var fill = result.GetProperty("fill_value");
            var fillText = fill.ValueKind switch
            {
                JsonValueKind.String => fill.GetString(),
                JsonValueKind.True => "1",
                JsonValueKind.False => "0",
                _ => fill.GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var expectedFill = double.IsNaN(c.Fill) ? "NaN" : double.IsNegativeInfinity(c.Fill) ? "-Infinity" : c.Fill.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (fillText != expectedFill)
            {
                failures.Add($"{name}: zarr-python sees fill_value {fill.GetRawText()}, we wrote {expectedFill}");
            }

            // 3 x 3 x 2 chunks, of which the 3 x 2 with z < 4 are all fill and not stored. (zarr-python 2.13 counts
            // initialized chunks by listing one directory level, so it counts only '.'-separated keys right.)
            var expectedFiles = WholeArray.ChunkIndices(array.Info).Where(index => index[0] > 0).Select(index => string.Join(c.Separator, index)).Order(StringComparer.Ordinal).ToList();
            var files = result.GetProperty("chunk_files").EnumerateArray().Select(e => e.GetString()!).ToList();
            if (!files.SequenceEqual(expectedFiles) || (c.Separator == '.' && result.GetProperty("nchunks_initialized").GetInt32() != 12))
            {
                failures.Add($"{name}: chunk files [{string.Join(", ", files)}], zarr-python counts {result.GetProperty("nchunks_initialized").GetInt32()} chunks; expected the 12 with z > 0");
            }

            var readBytes = await File.ReadAllBytesAsync(Path.Combine(directory.Path, name + ".read.bin"));
            if (!readBytes.AsSpan().SequenceEqual(data))
            {
                failures.Add($"{name}: zarr-python reads different values (first difference at byte {readBytes.AsSpan().CommonPrefixLength(data)})");
            }

            // And we read back what we wrote.
            if (!(await WholeArray.ReadAsync(array)).AsSpan().SequenceEqual(data))
            {
                failures.Add($"{name}: we read back different values");
            }
        }

        Assert.Equal(written.Count, read.RootElement.GetProperty("results").GetArrayLength());
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Zarr_python_opens_consolidated_metadata_we_write()
    {
        using var directory = new TempDirectory("zarr-v2-consolidated");
        var store = new FileSystemStore(Path.Combine(directory.Path, "pyramid.zarr"));
        await ZarrV2Group.CreateAsync(store, "", new JsonObject { ["multiscales"] = new JsonArray(new JsonObject { ["version"] = "0.4" }) });
        var s0 = await ZarrV2Array.CreateAsync(store, "s0", new ZarrV2ArrayOptions { Shape = [6, 7], Chunks = [4, 4], DataType = VoxelType.UInt16, Compressor = new ZstdCodec(1) });
        var data = TestVolumes.Values(VoxelType.UInt16, [6, 7], 5, s0.Info.FillValue.Span);
        await WholeArray.WriteAsync(s0, data);
        var consolidated = await ZarrV2ConsolidatedMetadata.WriteAsync(store);
        Assert.Equal(["s0"], consolidated.ArrayPaths);

        var manifest = Path.Combine(directory.Path, "consolidated.json");
        await File.WriteAllTextAsync(manifest, new JsonObject { ["entries"] = new JsonArray(new JsonObject { ["name"] = "s0", ["store"] = "pyramid.zarr", ["path"] = "s0", ["consolidated"] = true }) }.ToJsonString());
        using var read = ZarrPython.Read(manifest);

        var result = read.RootElement.GetProperty("results")[0];
        Assert.False(result.TryGetProperty("error", out var error), error.ToString());
        Assert.Equal("0.4", result.GetProperty("group_attributes").GetProperty("multiscales")[0].GetProperty("version").GetString());
        Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(directory.Path, "s0.read.bin")));
    }
}
