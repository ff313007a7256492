using System.Text;
using System.Text.Json.Nodes;
using Connectomics.Volumes.Codecs;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr.V2;

namespace Connectomics.Volumes.Tests.Zarr.V2;

/// <summary>Bad metadata, corrupt chunks and bad calls fail with errors that name the file, field or chunk key, and
/// leave stored data as it was.</summary>
public sealed class ZarrV2BadInputTests
{
    private const string ValidZarray = """
        {"zarr_format": 2, "shape": [10, 20], "chunks": [4, 8], "dtype": "<u2", "order": "C", "fill_value": 0,
         "compressor": {"id": "zstd", "level": 1}, "filters": null, "dimension_separator": "."}
        """;

    [Fact]
    public async Task A_missing_zarray_names_the_path_looked_for()
    {
        var store = new MemoryStore("memory:test");

        var error = await Assert.ThrowsAsync<VolumeFormatException>(async () => await ZarrV2Array.OpenAsync(store, "em/s0"));

        Assert.Equal("memory:test/em/s0/.zarray", error.Location);
        Assert.Contains("memory:test/em/s0/.zarray", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"zarr_format\": 2, ", "not valid JSON")]
    [InlineData("[1, 2]", "not an object")]
    [InlineData("""{"shape": [10, 20], "chunks": [4, 8], "dtype": "<u2", "order": "C", "fill_value": 0, "compressor": null}""", "\"zarr_format\" is missing")]
    [InlineData("""{"zarr_format": 3, "shape": [10, 20], "chunks": [4, 8], "dtype": "<u2", "order": "C", "fill_value": 0, "compressor": null}""", "zarr_format is 3")]
    [InlineData("""{"zarr_format": 2, "chunks": [4, 8], "dtype": "<u2", "order": "C", "fill_value": 0, "compressor": null}""", "\"shape\" is missing")]
    [InlineData("""{"zarr_format": 2, "shape": [10, 20], "dtype": "<u2", "order": "C", "fill_value": 0, "compressor": null}""", "\"chunks\" is missing")]
    [InlineData("""{"zarr_format": 2, "shape": [10, 20], "chunks": [4, 8], "order": "C", "fill_value": 0, "compressor": null}""", "\"dtype\" is missing")]
    [InlineData("""{"zarr_format": 2, "shape": [10, 20], "chunks": [4, 8], "dtype": "<u2", "fill_value": 0, "compressor": null}""", "\"order\" is missing")]
    [InlineData("""{"zarr_format": 2, "shape": [10, 20], "chunks": [4, 8], "dtype": "<u2", "order": "C", "compressor": null}""", "\"fill_value\" is missing")]
    [InlineData("""{"zarr_format": 2, "shape": [10, 20], "chunks": [4, 8], "dtype": "<u2", "order": "C", "fill_value": 0}""", "\"compressor\" is missing")]
    [InlineData("""{"zarr_format": 2, "shape": [10, 20], "chunks": [4, 8, 2], "dtype": "<u2", "order": "C", "fill_value": 0, "compressor": null}""", "chunks has 3 axes but shape has 2")]
    [InlineData("""{"zarr_format": 2, "shape": [10, -1], "chunks": [4, 8], "dtype": "<u2", "order": "C", "fill_value": 0, "compressor": null}""", "shape [10, -1]: item 1")]
    [InlineData("""{"zarr_format": 2, "shape": [10, 20], "chunks": [4, 0], "dtype": "<u2", "order": "C", "fill_value": 0, "compressor": null}""", "chunks [4, 0]: item 1")]
    [InlineData("""{"zarr_format": 2, "shape": [10, 20], "chunks": [4, 8], "dtype": "u2", "order": "C", "fill_value": 0, "compressor": null}""", "dtype \"u2\"")]
    [InlineData("""{"zarr_format": 2, "shape": [10, 20], "chunks": [4, 8], "dtype": "<u2", "order": "K", "fill_value": 0, "compressor": null}""", "order \"K\"")]
    [InlineData("""{"zarr_format": 2, "shape": [10, 20], "chunks": [4, 8], "dtype": "<u2", "order": "C", "fill_value": 70000, "compressor": null}""", "fill_value 70000")]
    [InlineData("""{"zarr_format": 2, "shape": [10, 20], "chunks": [4, 8], "dtype": "<u2", "order": "C", "fill_value": "NaN", "compressor": null}""", "fill_value \"NaN\"")]
    [InlineData("""{"zarr_format": 2, "shape": [10, 20], "chunks": [4, 8], "dtype": "<u2", "order": "C", "fill_value": 0, "compressor": "zstd"}""", "compressor \"zstd\"")]
    [InlineData("""{"zarr_format": 2, "shape": [10, 20], "chunks": [4, 8], "dtype": "<u2", "order": "C", "fill_value": 0, "compressor": {"id": "zstd", "level": "high"}}""", "level \"high\"")]
    [InlineData("""{"zarr_format": 2, "shape": [10, 20], "chunks": [4, 8], "dtype": "<u2", "order": "C", "fill_value": 0, "compressor": {"id": "blosc", "cname": "lz4", "shuffle": 7}}""", "shuffle 7")]
    [InlineData("""{"zarr_format": 2, "shape": [10, 20], "chunks": [4, 8], "dtype": "<u2", "order": "C", "fill_value": 0, "compressor": null, "dimension_separator": "-"}""", "dimension_separator \"-\"")]
    [InlineData("""{"zarr_format": 2, "shape": [10, 20], "chunks": [4, 8], "dtype": "<u2", "order": "C", "fill_value": 0, "compressor": null, "filters": {"id": "delta"}}""", "filters {")]
    public async Task Invalid_metadata_names_the_file_and_the_field(string zarray, string expected)
    {
        var store = new MemoryStore("memory:bad");
        await store.PutAsync("a/.zarray", Encoding.UTF8.GetBytes(zarray));

        var error = await Assert.ThrowsAsync<VolumeFormatException>(async () => await ZarrV2Array.OpenAsync(store, "a"));

        Assert.Equal("memory:bad/a/.zarray", error.Location);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"compressor\": {\"id\": \"bz2\", \"level\": 1}", "compressor bz2")]
    [InlineData("\"compressor\": {\"id\": \"blosc\", \"cname\": \"lzma\"}", "blosc cname \"lzma\"")]
    [InlineData("\"compressor\": null, \"filters\": [{\"id\": \"delta\", \"dtype\": \"<u2\"}]", "filter delta")]
    [InlineData("\"compressor\": null, \"filters\": [{\"id\": \"fixedscaleoffset\", \"scale\": 10}]", "filter fixedscaleoffset")]
    [InlineData("\"compressor\": null, \"dtype\": [[\"r\", \"|u1\"], [\"g\", \"|u1\"]]", "structured dtype")]
    [InlineData("\"compressor\": null, \"dtype\": \"<M8[ns]\"", "dtype \"<M8[ns]\"")]
    [InlineData("\"compressor\": null, \"dtype\": \"<c8\"", "dtype \"<c8\"")]
    [InlineData("\"compressor\": null, \"dtype\": \"<U4\"", "dtype \"<U4\"")]
    [InlineData("\"compressor\": null, \"dtype\": \"|O\"", "dtype \"|O\"")]
    public async Task Unsupported_features_are_refused_by_name(string fields, string feature)
    {
        var zarray = "{\"zarr_format\": 2, \"shape\": [10], \"chunks\": [4], \"order\": \"C\", \"fill_value\": 0, \"dtype\": \"<u2\", " + fields + "}";
        zarray = zarray.Replace("\"dtype\": \"<u2\", \"compressor\": null, \"dtype\"", "\"compressor\": null, \"dtype\"", StringComparison.Ordinal);
        var store = new MemoryStore("memory:unsupported");
        await store.PutAsync(".zarray", Encoding.UTF8.GetBytes(zarray));

        var error = await Assert.ThrowsAsync<VolumeFeatureNotSupportedException>(async () => await ZarrV2Array.OpenAsync(store, ""));

        Assert.Equal(feature, error.Feature);
        Assert.Equal("memory:unsupported/.zarray", error.Location);
    }

    [Fact]
    public async Task A_chunk_that_does_not_decompress_names_its_key_and_is_not_transient()
    {
        var store = new MemoryStore("memory:corrupt");
        await store.PutAsync("a/.zarray", Encoding.UTF8.GetBytes(ValidZarray));
        await store.PutAsync("a/1.2", new byte[] { 0x28, 0xB5, 0x2F, 0xFD, 1, 2, 3, 4, 5 });
        var array = await ZarrV2Array.OpenAsync(store, "a");

        var error = await Assert.ThrowsAsync<VolumeDataException>(async () => await array.ReadChunkAsync(new long[] { 1, 2 }));

        Assert.Equal("a/1.2", error.ChunkKey);
        Assert.Equal("memory:corrupt/a", error.Location);
        Assert.IsType<InvalidDataException>(error.InnerException);
        Assert.IsNotAssignableFrom<IOException>(error);
    }

    [Fact]
    public async Task A_chunk_that_decodes_to_the_wrong_size_names_its_key_and_both_sizes()
    {
        var store = new MemoryStore("memory:short");
        await store.PutAsync("a/.zarray", Encoding.UTF8.GetBytes(ValidZarray.Replace("{\"id\": \"zstd\", \"level\": 1}", "null", StringComparison.Ordinal)));
        await store.PutAsync("a/0.0", new byte[63]);
        var array = await ZarrV2Array.OpenAsync(store, "a");

        var error = await Assert.ThrowsAsync<VolumeDataException>(async () => await array.ReadChunkAsync(new long[] { 0, 0 }));

        Assert.Equal("a/0.0", error.ChunkKey);
        Assert.Contains("63 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("is 64", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chunk_indices_outside_the_grid_and_data_of_the_wrong_length_are_refused_without_writing()
    {
        var store = new MemoryStore();
        var array = await ZarrV2Array.CreateAsync(store, "a", new ZarrV2ArrayOptions { Shape = [10, 20], Chunks = [4, 8], DataType = VoxelType.UInt16 });
        var before = store.Count;

        Assert.Throws<ArgumentOutOfRangeException>(() => array.ChunkKey([3, 0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => array.ChunkKey([0, -1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => array.ChunkKey([0]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await array.WriteUnitAsync(new long[] { 0, 3 }, new byte[64]));
        await Assert.ThrowsAsync<ArgumentException>(async () => await array.WriteUnitAsync(new long[] { 0, 0 }, new byte[63]));
        Assert.Equal("a/2.2", array.ChunkKey([2, 2]));
        Assert.Equal(before, store.Count);
    }

    [Fact]
    public async Task Invalid_options_are_refused_up_front_listing_every_problem()
    {
        var store = new MemoryStore();
        var options = new ZarrV2ArrayOptions
        {
            Shape = [10, -20],
            Chunks = [4],
            DataType = VoxelType.UInt8,
            FillValue = 300,
            DimensionSeparator = '-',
            Compressor = new Crc32cCodec(),
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await ZarrV2Array.CreateAsync(store, "a", options));

        foreach (var part in new[] { "negative extent", "Chunks has 1 axes", "FillValue 300", "DimensionSeparator '-'", "no Zarr v2 compressor" })
        {
            Assert.Contains(part, error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, store.Count);
        await Assert.ThrowsAsync<ArgumentException>(async () => await ZarrV2Array.CreateAsync(store, "a", new ZarrV2ArrayOptions { Shape = [4], Chunks = [4], DataType = VoxelType.Int32, FillValue = 0.5 }));
        await Assert.ThrowsAsync<ArgumentException>(async () => await ZarrV2Array.CreateAsync(store, "a", new ZarrV2ArrayOptions { Shape = [4], Chunks = [4], DataType = VoxelType.Int32, FillValueBytes = new byte[2] }));
    }

    [Fact]
    public async Task Creating_over_an_existing_array_or_below_one_is_refused_and_keeps_its_data()
    {
        var store = new MemoryStore("memory:existing");
        var options = new ZarrV2ArrayOptions { Shape = [8], Chunks = [4], DataType = VoxelType.UInt8 };
        var array = await ZarrV2Array.CreateAsync(store, "a", options);
        await array.WriteUnitAsync(new long[] { 0 }, new byte[] { 1, 2, 3, 4 });
        var zarray = await store.GetAsync("a/.zarray");

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await ZarrV2Array.CreateAsync(store, "a", options));
        var below = await Assert.ThrowsAsync<VolumeFormatException>(async () => await ZarrV2Array.CreateAsync(store, "a/b", options));

        Assert.Equal("memory:existing/a/.zarray", below.Location);
        Assert.Equal(zarray, await store.GetAsync("a/.zarray"));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, await (await ZarrV2Array.OpenAsync(store, "a")).ReadChunkAsync(new long[] { 0 }));
        Assert.Null(await store.GetAsync("a/b/.zarray"));
    }

    [Fact]
    public async Task A_missing_zgroup_and_a_bad_zattrs_name_their_files()
    {
        var store = new MemoryStore("memory:g");
        var missing = await Assert.ThrowsAsync<VolumeFormatException>(async () => await ZarrV2Group.OpenAsync(store, "g"));
        Assert.Equal("memory:g/g/.zgroup", missing.Location);

        await store.PutAsync("a/.zarray", Encoding.UTF8.GetBytes(ValidZarray));
        await store.PutAsync("a/.zattrs", "[1]"u8.ToArray());
        var attributes = await Assert.ThrowsAsync<VolumeFormatException>(async () => await ZarrV2Array.OpenAsync(store, "a"));
        Assert.Equal("memory:g/a/.zattrs", attributes.Location);
    }
}
