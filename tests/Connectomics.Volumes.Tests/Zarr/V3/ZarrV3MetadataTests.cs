using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr.V3;

namespace Connectomics.Volumes.Tests.Zarr.V3;

public sealed class ZarrV3MetadataTests
{
    private const string Base = """
        {"zarr_format": 3, "node_type": "array", "shape": [10, 10], "data_type": "DTYPE",
         "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [5, 5]}},
         "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
         "fill_value": FILL, "codecs": CODECS EXTRA}
        """;

    private const string LittleBytes = """[{"name": "bytes", "configuration": {"endian": "little"}}]""";

    [Theory]
    [InlineData("float32", "\"NaN\"", "0000c07f")]
    [InlineData("float32", "\"Infinity\"", "0000807f")]
    [InlineData("float64", "\"-Infinity\"", "000000000000f0ff")]
    [InlineData("float32", "\"0x7fc00001\"", "0100c07f")]
    [InlineData("float16", "\"0x7e00\"", "007e")]
    [InlineData("float64", "-2.5", "00000000000004c0")]
    [InlineData("float16", "1.5", "003e")]
    [InlineData("bool", "true", "01")]
    [InlineData("bool", "false", "00")]
    [InlineData("int16", "-2", "feff")]
    [InlineData("uint64", "18446744073709551615", "ffffffffffffffff")]
    [InlineData("int8", "null", "00")]
    public async Task Fill_values_are_read_as_the_specification_spells_them(string dataType, string fill, string expectedHex)
    {
        var array = await OpenAsync(Document(dataType, fill, dataType is "bool" or "int8" ? "[]" : LittleBytes));

        Assert.Equal(expectedHex, Convert.ToHexStringLower(array.Info.FillValue.Span));
    }

    [Theory]
    [InlineData("uint8", "256")]
    [InlineData("int8", "1.5")]
    [InlineData("float32", "\"nan\"")]
    [InlineData("float32", "\"0x7fc0\"")]
    [InlineData("bool", "1")]
    public async Task Fill_values_that_do_not_fit_are_refused_naming_the_field(string dataType, string fill)
    {
        var error = await Assert.ThrowsAsync<VolumeFormatException>(() => OpenAsync(Document(dataType, fill, dataType is "uint8" or "int8" or "bool" ? "[]" : LittleBytes)));

        Assert.Contains("memory:/a/zarr.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("fill_value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_zarr_json_names_the_key_looked_for()
    {
        var store = new MemoryStore("/data/em.zarr");

        var error = await Assert.ThrowsAsync<VolumeFormatException>(() => ZarrV3Array.OpenAsync(store, "s0"));

        Assert.Equal("/data/em.zarr/s0/zarr.json", error.Location);
        Assert.Contains("/data/em.zarr/s0/zarr.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unparsable_metadata_names_the_file()
    {
        var error = await Assert.ThrowsAsync<VolumeFormatException>(() => OpenAsync("{\"zarr_format\": 3, "));
        Assert.Contains("memory:/a/zarr.json", error.Message, StringComparison.Ordinal);

        var format = await Assert.ThrowsAsync<VolumeFormatException>(() => OpenAsync(Document("uint8", "0", "[]").Replace("\"zarr_format\": 3", "\"zarr_format\": 2", StringComparison.Ordinal)));
        Assert.Contains("zarr_format", format.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_codec_is_refused_by_name()
    {
        var error = await Assert.ThrowsAsync<VolumeFeatureNotSupportedException>(() => OpenAsync(Document("uint16", "0",
            """[{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "lzma", "configuration": {"preset": 9}}]""")));

        Assert.Equal("codec 'lzma' (codecs[1] (lzma))", error.Feature);
        Assert.Contains("memory:/a/zarr.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_codecs_and_extensions_that_need_not_be_understood_are_ignored()
    {
        var array = await OpenAsync(Document("uint16", "0",
            """[{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "x-annotate", "must_understand": false}]""",
            """, "x_provenance": {"must_understand": false, "tool": "t"}"""));
        Assert.Equal("bytes(little)", array.Info.CodecSummary);

        var refused = await Assert.ThrowsAsync<VolumeFeatureNotSupportedException>(() => OpenAsync(Document("uint16", "0", LittleBytes, """, "x_provenance": {"tool": "t"}""")));
        Assert.Equal("extension field 'x_provenance'", refused.Feature);
    }

    [Fact]
    public async Task Storage_transformers_and_unknown_data_types_are_refused_by_name()
    {
        var transformer = await Assert.ThrowsAsync<VolumeFeatureNotSupportedException>(() => OpenAsync(Document("uint8", "0", "[]", """, "storage_transformers": [{"name": "chunk-manifest"}]""")));
        Assert.Contains("chunk-manifest", transformer.Feature, StringComparison.Ordinal);

        Assert.Empty((await OpenAsync(Document("uint8", "0", "[]", """, "storage_transformers": []"""))).Info.DimensionNames ?? []);

        var type = await Assert.ThrowsAsync<VolumeFeatureNotSupportedException>(() => OpenAsync(Document("complex64", "0", LittleBytes)));
        Assert.Equal("data_type 'complex64'", type.Feature);
    }

    [Fact]
    public async Task An_inner_chunk_that_does_not_divide_the_shard_names_both_shapes()
    {
        var error = await Assert.ThrowsAsync<VolumeFormatException>(() => OpenAsync(Document("uint8", "0", """
            [{"name": "sharding_indexed", "configuration": {"chunk_shape": [2, 3], "codecs": [{"name": "bytes"}],
              "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}, {"name": "crc32c"}]}}]
            """)));

        Assert.Contains("[2, 3]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[5, 5]", error.Message, StringComparison.Ordinal);
        Assert.Contains("memory:/a/zarr.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multi_byte_type_without_an_endian_is_refused()
    {
        var error = await Assert.ThrowsAsync<VolumeFormatException>(() => OpenAsync(Document("int32", "0", """[{"name": "bytes"}]""")));

        Assert.Contains("codecs[0] (bytes).configuration.endian", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Codecs_given_by_name_alone_and_v2_keys_are_read()
    {
        var store = new MemoryStore();
        await store.PutAsync("a/zarr.json", Encoding.UTF8.GetBytes("""
            {"zarr_format": 3, "node_type": "array", "shape": [3], "data_type": "uint16",
             "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [2]}},
             "chunk_key_encoding": {"name": "v2"}, "fill_value": 1,
             "codecs": [{"name": "bytes", "configuration": {"endian": "big"}}, "crc32c"], "dimension_names": ["x"]}
            """));
        var chunk = new byte[] { 0x12, 0x34, 0x00, 0x07 };
        var withCrc = new byte[8];
        chunk.CopyTo(withCrc, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(withCrc.AsSpan(4), Volumes.Codecs.Crc32C.Compute(chunk));
        await store.PutAsync("a/1", withCrc);

        var array = await ZarrV3Array.OpenAsync(store, "a");

        Assert.Equal("a/1", array.ChunkKey([1]));
        Assert.Equal(ZarrV3ArrayTests.U16(0x1234, 7), await array.ReadChunkAsync(new long[] { 1 }));
        Assert.Null(await array.ReadChunkAsync(new long[] { 0 }));
        Assert.Equal(["x"], array.Info.DimensionNames!);
    }

    internal static string Document(string dataType, string fill, string codecs, string extra = "") =>
        Base.Replace("DTYPE", dataType, StringComparison.Ordinal).Replace("FILL", fill, StringComparison.Ordinal)
            .Replace("CODECS", codecs, StringComparison.Ordinal).Replace("EXTRA", extra, StringComparison.Ordinal);

    internal static async Task<ZarrV3Array> OpenAsync(string document)
    {
        var store = new MemoryStore();
        await store.PutAsync("a/zarr.json", Encoding.UTF8.GetBytes(document));
        return await ZarrV3Array.OpenAsync(store, "a");
    }
}
