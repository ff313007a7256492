using System.Text.Json;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr;
using Connectomics.Volumes.Zarr.V2;

namespace Connectomics.Volumes.Tests.Zarr.V2;

/// <summary>Arrays zarr-python 2 and numcodecs (C-Blosc) wrote read equal to the values NumPy dumped.</summary>
public sealed class ZarrV2ReadsZarrPythonTests(ZarrPythonWrittenArrays arrays) : IClassFixture<ZarrPythonWrittenArrays>
{
    public static TheoryData<string> Groups => ["blosc-", "zstd-", "gzip-", "zlib-", "lz4-", "raw-", "order-f-", "slash-", "big-", "missing-", "bool", "int8", "float16", "uint32-1d", "int16-4d", "nested-path", "root-array"];

    [Fact]
    public void The_cases_cover_the_blosc_matrix_and_the_layouts()
    {
        var names = arrays.Cases.Select(c => c.GetProperty("name").GetString()!).ToList();
        foreach (var cname in new[] { "blosclz", "lz4", "lz4hc", "snappy", "zlib", "zstd" })
        {
            foreach (var shuffle in new[] { 0, 1, 2 })
            {
                foreach (var dtype in new[] { "u1", "u2", "i4", "f8" })
                {
                    Assert.Contains($"blosc-{cname}-s{shuffle}-{dtype}", names);
                }
            }
        }

        Assert.True(names.Count >= 100, $"{names.Count} cases");
    }

    [Theory]
    [MemberData(nameof(Groups))]
    public async Task Arrays_read_equal_to_numpy_with_the_metadata_zarr_python_wrote(string prefix)
    {
        var cases = arrays.Cases.Where(c => c.GetProperty("name").GetString()!.StartsWith(prefix, StringComparison.Ordinal) && c.GetProperty("filters").ValueKind == JsonValueKind.Null).ToList();
        Assert.NotEmpty(cases);
        var failures = new List<string>();
        foreach (var entry in cases)
        {
            var name = entry.GetProperty("name").GetString()!;
            var store = new FileSystemStore(Path.Combine(arrays.Directory, entry.GetProperty("store").GetString()!));
            var array = await ZarrV2Array.OpenAsync(store, entry.GetProperty("path").GetString()!);

            var shape = entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var chunks = entry.GetProperty("chunks").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(shape, array.Info.Shape);
            Assert.Equal(chunks, array.Info.ChunkShape);
            var dtype = entry.GetProperty("dtype").GetString()!;
            Assert.Equal(dtype[0] == '>' ? ByteOrder.Big : ByteOrder.Little, array.ByteOrder);
            Assert.Equal(entry.GetProperty("order").GetString(), array.Order.ToString());
            Assert.Equal(entry.GetProperty("separator").GetString()![0], array.DimensionSeparator);
            var compressor = entry.GetProperty("compressor");
            Assert.Equal(compressor.ValueKind == JsonValueKind.Null ? null : compressor.GetProperty("id").GetString(), array.Compressor?.Name);
            Assert.Equal(shape.Length <= 3 ? new[] { "z", "y", "x" }[^shape.Length..] : [.. Enumerable.Range(0, shape.Length).Select(i => $"d{i}")], array.Info.DimensionNames);
            Assert.Equal("zarr-python 2.13.6+ds", array.Attributes["written_by"].GetString());

            // Chunks zarr-python stored read back; the others are missing.
            var stored = entry.GetProperty("chunk_keys").EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal);
            foreach (var index in WholeArray.ChunkIndices(array.Info))
            {
                var key = array.ChunkKey(index);
                var relative = array.Path.Length == 0 ? key : key[(array.Path.Length + 1)..];
                var chunk = await array.ReadChunkAsync(index);
                if (stored.Contains(relative) != chunk is not null)
                {
                    failures.Add($"{name}: chunk {key} is {(chunk is null ? "missing" : "present")} for us, {(stored.Contains(relative) ? "stored" : "not stored")} by zarr-python");
                }
            }

            var expected = await File.ReadAllBytesAsync(Path.Combine(arrays.Directory, name + ".bin"));
            var actual = await WholeArray.ReadAsync(array);
            if (!expected.AsSpan().SequenceEqual(actual))
            {
                var first = expected.AsSpan().CommonPrefixLength(actual);
                failures.Add($"{name}: {actual.Length} bytes read, {expected.Length} expected; first difference at byte {first}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData("missing-fill-7-u2", "0700")]
    [InlineData("missing-nan-f4", "0000c07f")]
    [InlineData("missing-inf-f8", "000000000000f0ff")]
    [InlineData("missing-i8-fill-neg", "fdffffffffffffbf")]
    [InlineData("missing-u8-fill-high", "fbffffffffffffff")]
    [InlineData("bool", "00")]
    [InlineData("int8", "fd")]
    [InlineData("float16", "0038")]
    public async Task Fill_values_are_read_exactly(string name, string littleEndianHex)
    {
        var entry = arrays.Case(name);
        var store = new FileSystemStore(Path.Combine(arrays.Directory, entry.GetProperty("store").GetString()!));
        var array = await ZarrV2Array.OpenAsync(store, entry.GetProperty("path").GetString()!);

        Assert.Equal(Convert.FromHexString(littleEndianHex), array.Info.FillValue.ToArray());
        Assert.True(array.HasFillValue);
    }

    [Fact]
    public async Task A_null_fill_value_reads_missing_chunks_as_zeros_and_is_reported()
    {
        var entry = arrays.Case("missing-fill-null-u1");
        var array = await ZarrV2Array.OpenAsync(new FileSystemStore(Path.Combine(arrays.Directory, entry.GetProperty("store").GetString()!)), "data");

        Assert.False(array.HasFillValue);
        Assert.Equal(new byte[] { 0 }, array.Info.FillValue.ToArray());
    }

    [Fact]
    public async Task A_filter_is_refused_by_name()
    {
        var store = new FileSystemStore(Path.Combine(arrays.Directory, "filter-delta.zarr"));

        var error = await Assert.ThrowsAsync<VolumeFeatureNotSupportedException>(async () => await ZarrV2Array.OpenAsync(store, "data"));

        Assert.Equal("filter delta", error.Feature);
        Assert.Contains(Path.Combine("filter-delta.zarr", "data", ".zarray"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consolidated_metadata_opens_arrays_without_reading_their_metadata_files()
    {
        var store = new CountingStore(new FileSystemStore(Path.Combine(arrays.Directory, "consolidated.zarr")));
        var consolidated = await ZarrV2ConsolidatedMetadata.ReadAsync(store);

        Assert.NotNull(consolidated);
        Assert.Equal(["s0", "s1"], consolidated.ArrayPaths);
        Assert.Equal([".zmetadata"], store.Reads);
        foreach (var path in consolidated.ArrayPaths)
        {
            var array = ZarrV2Array.Open(consolidated, path);
            Assert.Equal(int.Parse(path[1..], System.Globalization.CultureInfo.InvariantCulture), array.Attributes["level"].GetInt32());
            var expected = await File.ReadAllBytesAsync(Path.Combine(arrays.Directory, $"consolidated-{path}.bin"));
            Assert.Equal(expected, await WholeArray.ReadAsync(array));
        }

        Assert.DoesNotContain(store.Reads, key => key.EndsWith(".zarray", StringComparison.Ordinal) || key.EndsWith(".zattrs", StringComparison.Ordinal));
        var group = await ZarrV2Group.OpenAsync(store, "");
        Assert.Equal("0.4", group.Attributes["multiscales"][0].GetProperty("version").GetString());
    }
}
