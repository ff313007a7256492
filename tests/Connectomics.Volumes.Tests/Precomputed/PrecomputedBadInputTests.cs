using System.Text;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Precomputed;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Tests.Precomputed;

public sealed class PrecomputedBadInputTests
{
    private const string Scale = """{"key": "s0", "size": [10, 9, 8], "resolution": [4, 4, 40], "voxel_offset": [0, 0, 0], "chunk_sizes": [[8, 8, 8]], "encoding": "raw"}""";

    private static async Task<MemoryStore> StoreWithInfoAsync(string info)
    {
        var store = new MemoryStore("bad");
        await store.PutAsync("info", Encoding.UTF8.GetBytes(info));
        return store;
    }

    private static string Info(string scale = Scale, string dataType = "uint8", int channels = 1, string type = "image") =>
        $$"""{"@type": "neuroglancer_multiscale_volume", "type": "{{type}}", "data_type": "{{dataType}}", "num_channels": {{channels}}, "scales": [{{scale}}]}""";

    [Fact]
    public async Task A_missing_info_names_the_path_looked_for()
    {
        var store = new MemoryStore("bad");

        var exception = await Assert.ThrowsAsync<VolumeFormatException>(async () => await PrecomputedVolume.OpenAsync(store, "em/volume"));

        Assert.Equal("bad/em/volume/info", exception.Location);
        Assert.Contains("bad/em/volume/info", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_n5_dataset_is_refused_by_name()
    {
        var store = new MemoryStore("bad");
        await store.PutAsync("attributes.json", Encoding.UTF8.GetBytes("""{"dimensions": [10, 10, 10], "blockSize": [4, 4, 4], "dataType": "uint8"}"""));

        var exception = await Assert.ThrowsAsync<VolumeFeatureNotSupportedException>(async () => await PrecomputedVolume.OpenAsync(store));

        Assert.Equal("N5", exception.Feature);
    }

    [Theory]
    [InlineData("compressed_segmentation")]
    [InlineData("png")]
    [InlineData("compresso")]
    [InlineData("jxl")]
    [InlineData("fpzip")]
    [InlineData("kempressed")]
    public async Task Encodings_other_than_raw_and_jpeg_are_refused_naming_the_encoding(string encoding)
    {
        var volume = await PrecomputedVolume.OpenAsync(await StoreWithInfoAsync(Info(Scale.Replace("\"raw\"", $"\"{encoding}\"", StringComparison.Ordinal))));
        Assert.Equal(encoding, volume.Scales[0].Encoding);

        var exception = Assert.Throws<VolumeFeatureNotSupportedException>(() => volume.OpenScale("s0"));

        Assert.Equal($"encoding {encoding}", exception.Feature);
        Assert.Contains("bad/s0", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sharded_scale_is_listed_but_refused_as_a_sharded_scale()
    {
        var sharded = Scale.Replace("\"encoding\": \"raw\"", "\"encoding\": \"raw\", \"sharding\": {\"@type\": \"neuroglancer_uint64_sharded_v1\", \"preshift_bits\": 0, \"hash\": \"identity\", \"minishard_bits\": 0, \"shard_bits\": 0, \"minishard_index_encoding\": \"raw\", \"data_encoding\": \"raw\"}", StringComparison.Ordinal);
        var volume = await PrecomputedVolume.OpenAsync(await StoreWithInfoAsync(Info(sharded)));
        Assert.True(volume.Scales[0].IsSharded);

        var exception = Assert.Throws<VolumeFeatureNotSupportedException>(() => volume.OpenScale(0));

        Assert.Equal("sharded scale", exception.Feature);
    }

    [Fact]
    public async Task A_raw_chunk_of_the_wrong_byte_count_is_corrupt_data_naming_the_key()
    {
        var store = await StoreWithInfoAsync(Info());
        await store.PutAsync("s0/8-10_8-9_0-8", new byte[2 * 1 * 8 - 1]);
        var array = (await PrecomputedVolume.OpenAsync(store)).OpenScale(0);

        var exception = await Assert.ThrowsAsync<VolumeDataException>(async () => await array.ReadChunkAsync(new long[] { 0, 1, 1 }));

        Assert.Equal("s0/8-10_8-9_0-8", exception.ChunkKey);
        Assert.Contains("16 bytes", exception.Message, StringComparison.Ordinal);
        Assert.Contains("15", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gz_chunk_that_does_not_decompress_is_corrupt_data_naming_the_gz_key()
    {
        var store = await StoreWithInfoAsync(Info());
        await store.PutAsync("s0/0-8_0-8_0-8.gz", new byte[] { 0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF, 0xDE, 0xAD });
        var array = (await PrecomputedVolume.OpenAsync(store)).OpenScale(0);

        var exception = await Assert.ThrowsAsync<VolumeDataException>(async () => await array.ReadChunkAsync(new long[] { 0, 0, 0 }));

        Assert.Equal("s0/0-8_0-8_0-8.gz", exception.ChunkKey);
    }

    [Theory]
    [InlineData(15, "decompresses to 15")]
    [InlineData(17, "decompresses to more")]
    public async Task A_gz_raw_chunk_that_decompresses_to_the_wrong_byte_count_is_corrupt_data(int length, string found)
    {
        var store = await StoreWithInfoAsync(Info());
        using (var buffer = new MemoryStream())
        {
            using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(new byte[length]);
            }

            await store.PutAsync("s0/8-10_8-9_0-8.gz", buffer.ToArray());
        }

        var array = (await PrecomputedVolume.OpenAsync(store)).OpenScale(0);

        var exception = await Assert.ThrowsAsync<VolumeDataException>(async () => await array.ReadChunkAsync(new long[] { 0, 1, 1 }));

        Assert.Equal("s0/8-10_8-9_0-8.gz", exception.ChunkKey);
        Assert.Contains(found, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("[1, 2]", "not a JSON object")]
    [InlineData("""{"type": "image", "num_channels": 1, "scales": []}""", "'data_type'")]
    [InlineData("""{"type": "image", "data_type": "uint8", "num_channels": 1, "scales": []}""", "'scales'")]
    [InlineData("""{"type": "image", "data_type": "uint8", "num_channels": 0, "scales": [{}]}""", "'num_channels'")]
    [InlineData("""{"type": "image", "data_type": "uint8", "num_channels": 1, "scales": [{"key": "s0", "resolution": [1, 1, 1], "chunk_sizes": [[1, 1, 1]], "encoding": "raw"}]}""", "'scales[0].size'")]
    [InlineData("""{"type": "image", "data_type": "uint8", "num_channels": 1, "scales": [{"key": "s0", "size": [1, 1], "resolution": [1, 1, 1], "chunk_sizes": [[1, 1, 1]], "encoding": "raw"}]}""", "'scales[0].size'")]
    [InlineData("""{"type": "image", "data_type": "uint8", "num_channels": 1, "scales": [{"key": "s0", "size": [1, 1, 1], "resolution": [1, 1, 1], "chunk_sizes": [[0, 1, 1]], "encoding": "raw"}]}""", "'scales[0].chunk_sizes[0]'")]
    [InlineData("""{"type": "image", "data_type": "uint8", "num_channels": 1, "scales": [{"key": "s0", "size": [1, 1, 1], "resolution": [1, -1, 1], "chunk_sizes": [[1, 1, 1]], "encoding": "raw"}]}""", "'scales[0].resolution[1]'")]
    [InlineData("""{"type": "image", "data_type": "uint8", "num_channels": 1, "scales": [{"key": "s0", "size": [1, 1, 1.5], "resolution": [1, 1, 1], "chunk_sizes": [[1, 1, 1]], "encoding": "raw"}]}""", "'scales[0].size[2]'")]
    public async Task Unparsable_or_incomplete_info_names_the_file_and_the_field(string info, string field)
    {
        var exception = await Assert.ThrowsAsync<VolumeFormatException>(async () => await PrecomputedVolume.OpenAsync(await StoreWithInfoAsync(info)));

        Assert.Equal("bad/info", exception.Location);
        Assert.Contains(field, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"@type": "neuroglancer_skeletons", "type": "image", "data_type": "uint8", "num_channels": 1, "scales": []}""", "@type")]
    [InlineData("""{"type": "mesh", "data_type": "uint8", "num_channels": 1, "scales": []}""", "volume type 'mesh'")]
    [InlineData("""{"type": "image", "data_type": "complex64", "num_channels": 1, "scales": []}""", "data_type 'complex64'")]
    public async Task Other_kinds_of_precomputed_data_and_unknown_data_types_are_refused_by_name(string info, string feature)
    {
        var exception = await Assert.ThrowsAsync<VolumeFeatureNotSupportedException>(async () => await PrecomputedVolume.OpenAsync(await StoreWithInfoAsync(info)));

        Assert.StartsWith(feature, exception.Feature, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jpeg_scales_need_uint8_with_one_or_three_channels_and_keys_may_not_leave_the_store()
    {
        var jpeg = Scale.Replace("\"raw\"", "\"jpeg\"", StringComparison.Ordinal);
        var uint16 = await PrecomputedVolume.OpenAsync(await StoreWithInfoAsync(Info(jpeg, dataType: "uint16")));
        var twoChannels = await PrecomputedVolume.OpenAsync(await StoreWithInfoAsync(Info(jpeg, channels: 2)));
        var escaping = await PrecomputedVolume.OpenAsync(await StoreWithInfoAsync(Info(Scale.Replace("\"s0\"", "\"../s0\"", StringComparison.Ordinal))));

        Assert.Contains("uint8", Assert.Throws<VolumeFormatException>(() => uint16.OpenScale(0)).Message, StringComparison.Ordinal);
        Assert.Contains("channels", Assert.Throws<VolumeFormatException>(() => twoChannels.OpenScale(0)).Message, StringComparison.Ordinal);
        Assert.Contains("'../s0'", Assert.Throws<VolumeFormatException>(() => escaping.OpenScale(0)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => uint16.OpenScale("s9"));
        Assert.Throws<ArgumentOutOfRangeException>(() => uint16.OpenScale(1));
    }
}
