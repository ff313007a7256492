using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr;
using Connectomics.Volumes.Zarr.V3;

namespace Connectomics.Volumes.Tests.Zarr.V3;

public sealed class ZarrV3ArrayTests
{
    [Fact]
    public async Task Chunks_are_named_by_the_key_encoding()
    {
        var store = new MemoryStore();
        var plain = await ZarrV3Array.CreateAsync(store, "a/b", new ZarrV3ArrayOptions { Shape = [10, 10, 10], ChunkShape = [4, 4, 4] });
        var v2 = await ZarrV3Array.CreateAsync(store, "v2", new ZarrV3ArrayOptions { Shape = [10, 10], ChunkShape = [4, 4], ChunkKeyEncoding = ZarrV3ChunkKeyEncoding.V2 });
        var v2Slash = await ZarrV3Array.CreateAsync(store, "v2s", new ZarrV3ArrayOptions { Shape = [10, 10], ChunkShape = [4, 4], ChunkKeyEncoding = ZarrV3ChunkKeyEncoding.V2, ChunkKeySeparator = '/' });
        var dotted = await ZarrV3Array.CreateAsync(store, "d", new ZarrV3ArrayOptions { Shape = [10, 10], ChunkShape = [4, 4], ChunkKeySeparator = '.' });
        var scalar = await ZarrV3Array.CreateAsync(store, "s", new ZarrV3ArrayOptions { Shape = [], ChunkShape = [] });
        var scalarV2 = await ZarrV3Array.CreateAsync(store, "s2", new ZarrV3ArrayOptions { Shape = [], ChunkShape = [], ChunkKeyEncoding = ZarrV3ChunkKeyEncoding.V2 });
        var sharded = await ZarrV3Array.CreateAsync(store, string.Empty, new ZarrV3ArrayOptions { Shape = [64, 64, 64], ChunkShape = [8, 8, 8], ShardShape = [32, 32, 32] });

        Assert.Equal("a/b/c/1/0/2", plain.ChunkKey([1, 0, 2]));
        Assert.Equal("v2/2.1", v2.ChunkKey([2, 1]));
        Assert.Equal("v2s/2/1", v2Slash.ChunkKey([2, 1]));
        Assert.Equal("d/c.2.1", dotted.ChunkKey([2, 1]));
        Assert.Equal("s/c", scalar.ChunkKey([]));
        Assert.Equal("s2/0", scalarV2.ChunkKey([]));
        Assert.Equal("c/1/0/0[1,0,3]", sharded.ChunkKey([5, 0, 3]));
        Assert.Equal([8, 8, 8], sharded.Info.ChunkShape);
        Assert.Equal([32, 32, 32], sharded.Info.ShardShape);
        Assert.Equal([8L, 8, 8], sharded.Info.ChunkGridShape);
        Assert.Throws<ArgumentOutOfRangeException>(() => plain.ChunkKey([3, 0, 0]));
    }

    [Fact]
    public async Task The_metadata_written_is_what_the_specification_spells()
    {
        var store = new MemoryStore();
        await ZarrV3Array.CreateAsync(store, "em", new ZarrV3ArrayOptions
        {
            Shape = [100, 200, 300], ChunkShape = [16, 32, 32], ShardShape = [64, 64, 64], DataType = VoxelType.Float32, FillValue = double.NaN,
            Codecs = [ZarrV3Codec.Transpose(2, 1, 0), ZarrV3Codec.Zstd(5)], IndexLocation = ShardIndexLocation.Start,
            DimensionNames = ["z", "y", "x"], Attributes = new JsonObject { ["note"] = "em" },
        });

        var json = JsonNode.Parse(Encoding.UTF8.GetString((await store.GetAsync("em/zarr.json"))!))!;
        Assert.Equal(3, (int)json["zarr_format"]!);
        Assert.Equal("array", (string)json["node_type"]!);
        Assert.Equal("float32", (string)json["data_type"]!);
        Assert.Equal("NaN", (string)json["fill_value"]!);
        Assert.Equal("[64,64,64]", json["chunk_grid"]!["configuration"]!["chunk_shape"]!.ToJsonString());
        Assert.Equal("default", (string)json["chunk_key_encoding"]!["name"]!);
        var sharding = json["codecs"]![0]!;
        Assert.Equal("sharding_indexed", (string)sharding["name"]!);
        Assert.Equal("[16,32,32]", sharding["configuration"]!["chunk_shape"]!.ToJsonString());
        Assert.Equal("start", (string)sharding["configuration"]!["index_location"]!);
        Assert.Equal(
            """[{"name":"transpose","configuration":{"order":[2,1,0]}},{"name":"bytes","configuration":{"endian":"little"}},{"name":"zstd","configuration":{"level":5,"checksum":false}}]""",
            sharding["configuration"]!["codecs"]!.ToJsonString());
        Assert.Equal("""[{"name":"bytes","configuration":{"endian":"little"}},{"name":"crc32c"}]""", sharding["configuration"]!["index_codecs"]!.ToJsonString());
        Assert.Equal("""["z","y","x"]""", json["dimension_names"]!.ToJsonString());
        Assert.Equal("em", (string)json["attributes"]!["note"]!);

        var opened = await ZarrV3Array.OpenAsync(store, "em");
        Assert.Equal(VolumeFormat.ZarrV3, opened.Info.Format);
        Assert.Equal(["z", "y", "x"], opened.Info.DimensionNames!);
        Assert.True(float.IsNaN(BinaryPrimitives.ReadSingleLittleEndian(opened.Info.FillValue.Span)));
        Assert.Equal("em", opened.Attributes.GetProperty("note").GetString());
        Assert.Equal("memory:/em", opened.Info.Location);
    }

    [Theory]
    [InlineData(ShardIndexLocation.End, true)]
    [InlineData(ShardIndexLocation.End, false)]
    [InlineData(ShardIndexLocation.Start, true)]
    [InlineData(ShardIndexLocation.Start, false)]
    public async Task A_shard_is_laid_out_as_the_specification_says(ShardIndexLocation location, bool checksum)
    {
        // A 1-D uint16 shard of 4 inner chunks of 2 elements, raw bytes: chunk 1 is all fill, chunk 3 lies past the end.
        var store = new MemoryStore();
        var array = await ZarrV3Array.CreateAsync(store, string.Empty, new ZarrV3ArrayOptions
        {
            Shape = [6], ChunkShape = [2], ShardShape = [8], DataType = VoxelType.UInt16, FillValue = 9, IndexLocation = location, IndexChecksum = checksum,
        });
        await array.WriteUnitAsync(new long[] { 0 }, U16(1, 2, 9, 9, 3, 4, 77, 78));

        var shard = (await store.GetAsync("c/0"))!;
        var indexSize = 64 + (checksum ? 4 : 0);
        Assert.Equal(8 + indexSize, shard.Length);
        var index = location == ShardIndexLocation.End ? shard.AsSpan(8, indexSize).ToArray() : shard.AsSpan(0, indexSize).ToArray();
        var data = location == ShardIndexLocation.End ? shard.AsSpan(0, 8) : shard.AsSpan(indexSize, 8);
        Assert.Equal(U16(1, 2, 3, 4), data.ToArray());
        var first = location == ShardIndexLocation.End ? 0UL : (ulong)indexSize;
        Assert.Equal(
            new[] { first, 4UL, ulong.MaxValue, ulong.MaxValue, first + 4, 4UL, ulong.MaxValue, ulong.MaxValue },
            Enumerable.Range(0, 8).Select(i => BinaryPrimitives.ReadUInt64LittleEndian(index.AsSpan(8 * i))).ToArray());
        if (checksum)
        {
            Assert.Equal(Volumes.Codecs.Crc32C.Compute(index.AsSpan(0, 64)), BinaryPrimitives.ReadUInt32LittleEndian(index.AsSpan(64)));
        }

        Assert.Equal(U16(1, 2), await array.ReadChunkAsync(new long[] { 0 }));
        Assert.Null(await array.ReadChunkAsync(new long[] { 1 }));
        Assert.Equal(U16(3, 4), await array.ReadChunkAsync(new long[] { 2 }));
    }

    [Fact]
    public async Task A_read_fetches_the_index_once_then_only_the_inner_chunks_it_needs()
    {
        var memory = new MemoryStore();
        var options = new ZarrV3ArrayOptions
        {
            Shape = [16, 16, 16], ChunkShape = [4, 4, 4], ShardShape = [8, 8, 8], DataType = VoxelType.UInt16, Codecs = [ZarrV3Codec.Gzip(3)],
        };
        var data = TestVolumes.Create(VoxelType.UInt16, options.Shape, seed: 1);
        await WholeArrays.WriteAsync(await ZarrV3Array.CreateAsync(memory, "v", options), data);

        foreach (var (location, range) in new[] { (ShardIndexLocation.End, "last 132 bytes"), (ShardIndexLocation.Start, "bytes 0..132") })
        {
            options.IndexLocation = location;
            var path = $"v-{location}";
            await WholeArrays.WriteAsync(await ZarrV3Array.CreateAsync(memory, path, options), data);
            var store = new CountingStore(memory);
            var array = await ZarrV3Array.OpenAsync(store, path);
            store.Reads.Clear();

            var chunk = await array.ReadChunkAsync(new long[] { 3, 2, 1 });
            var again = await array.ReadChunkAsync(new long[] { 2, 3, 0 });

            // Index: 8 inner chunks × 16 bytes + crc32c = 132; one read, then one range per inner chunk.
            var reads = store.Reads.ToArray();
            Assert.Equal(3, reads.Length);
            Assert.Equal($"range {path}/c/1/1/0 {range}", reads[0]);
            Assert.StartsWith($"range {path}/c/1/1/0 bytes ", reads[1], StringComparison.Ordinal);
            Assert.StartsWith($"range {path}/c/1/1/0 bytes ", reads[2], StringComparison.Ordinal);
            Assert.Equal(Box(data, [16, 16, 16], [12, 8, 4], [4, 4, 4]), chunk);
            Assert.Equal(Box(data, [16, 16, 16], [8, 12, 0], [4, 4, 4]), again);
        }
    }

    [Theory]
    [InlineData(VoxelType.UInt8)]
    [InlineData(VoxelType.Int16)]
    [InlineData(VoxelType.UInt32)]
    [InlineData(VoxelType.Int64)]
    [InlineData(VoxelType.Float16)]
    [InlineData(VoxelType.Float64)]
    [InlineData(VoxelType.Bool)]
    public async Task Every_type_round_trips_through_transpose_big_endian_and_checksums(VoxelType type)
    {
        var store = new MemoryStore();
        var options = new ZarrV3ArrayOptions
        {
            Shape = [7, 9, 5], ChunkShape = [3, 4, 5], ShardShape = [6, 8, 5], DataType = type,
            Codecs = [ZarrV3Codec.Transpose(1, 2, 0), ZarrV3Codec.Bytes(ByteOrder.Big), ZarrV3Codec.Zstd(1), ZarrV3Codec.Crc32c()],
        };
        var array = await ZarrV3Array.CreateAsync(store, "t", options);
        var data = TestVolumes.Create(type, options.Shape, seed: 7, fillBlockEdge: 4);
        await WholeArrays.WriteAsync(array, data);

        Assert.Equal(data, await WholeArrays.ReadAsync(await ZarrV3Array.OpenAsync(store, "t")));
    }

    [Fact]
    public async Task Transposed_big_endian_chunks_are_stored_as_the_codecs_say()
    {
        // A 2×3 uint16 chunk [[1,2,3],[4,5,6]] with transpose [1,0] and big-endian bytes is stored as 1,4,2,5,3,6 big-endian.
        var store = new MemoryStore();
        var array = await ZarrV3Array.CreateAsync(store, string.Empty, new ZarrV3ArrayOptions
        {
            Shape = [2, 3], ChunkShape = [2, 3], DataType = VoxelType.UInt16, Codecs = [ZarrV3Codec.Transpose(1, 0), ZarrV3Codec.Bytes(ByteOrder.Big)],
        });
        await array.WriteUnitAsync(new long[] { 0, 0 }, U16(1, 2, 3, 4, 5, 6));

        Assert.Equal(new byte[] { 0, 1, 0, 4, 0, 2, 0, 5, 0, 3, 0, 6 }, await store.GetAsync("c/0/0"));
        Assert.Equal(U16(1, 2, 3, 4, 5, 6), await array.ReadChunkAsync(new long[] { 0, 0 }));
    }

    [Fact]
    public async Task All_fill_units_are_not_stored_and_remove_what_was_there()
    {
        var store = new MemoryStore();
        var plain = await ZarrV3Array.CreateAsync(store, "p", new ZarrV3ArrayOptions { Shape = [4], ChunkShape = [2], DataType = VoxelType.UInt16, FillValue = 3 });
        var sharded = await ZarrV3Array.CreateAsync(store, "s", new ZarrV3ArrayOptions { Shape = [4], ChunkShape = [2], ShardShape = [4], DataType = VoxelType.UInt16, FillValue = 3 });

        await plain.WriteUnitAsync(new long[] { 0 }, U16(1, 3));
        await sharded.WriteUnitAsync(new long[] { 0 }, U16(1, 3, 3, 3));
        Assert.NotNull(await store.GetAsync("p/c/0"));
        Assert.Equal(U16(1, 3), await sharded.ReadChunkAsync(new long[] { 0 }));
        Assert.Null(await sharded.ReadChunkAsync(new long[] { 1 }));

        await plain.WriteUnitAsync(new long[] { 0 }, U16(3, 3));
        await plain.WriteUnitAsync(new long[] { 1 }, U16(3, 3));
        await sharded.WriteUnitAsync(new long[] { 0 }, U16(3, 3, 3, 3));
        Assert.Null(await store.GetAsync("p/c/0"));
        Assert.Null(await store.GetAsync("p/c/1"));
        Assert.Null(await store.GetAsync("s/c/0"));

        // The index cached before the rewrite is not used after it.
        Assert.Null(await sharded.ReadChunkAsync(new long[] { 0 }));
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public async Task A_zero_dimensional_array_round_trips()
    {
        var store = new MemoryStore();
        var array = await ZarrV3Array.CreateAsync(store, "s", new ZarrV3ArrayOptions { Shape = [], ChunkShape = [], DataType = VoxelType.Int32, Codecs = [ZarrV3Codec.Gzip()] });
        await array.WriteUnitAsync(Array.Empty<long>(), BitConverter.GetBytes(-123456));

        Assert.NotNull(await store.GetAsync("s/c"));
        Assert.Equal(BitConverter.GetBytes(-123456), await (await ZarrV3Array.OpenAsync(store, "s")).ReadChunkAsync(Array.Empty<long>()));
    }

    [Fact]
    public async Task Units_of_the_wrong_size_or_place_are_refused()
    {
        var array = await ZarrV3Array.CreateAsync(new MemoryStore(), "a", new ZarrV3ArrayOptions { Shape = [10], ChunkShape = [2], ShardShape = [4] });

        await Assert.ThrowsAsync<ArgumentException>(async () => await array.WriteUnitAsync(new long[] { 0 }, new byte[2]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await array.WriteUnitAsync(new long[] { 3 }, new byte[4]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await array.ReadChunkAsync(new long[] { 5 }));
    }

    [Fact]
    public async Task Groups_keep_their_attributes()
    {
        var store = new MemoryStore();
        await ZarrV3Group.CreateAsync(store, string.Empty, new JsonObject { ["ome"] = new JsonObject { ["version"] = "0.5" } });
        await ZarrV3Array.CreateAsync(store, "s0", new ZarrV3ArrayOptions { Shape = [4], ChunkShape = [4] });

        var group = await ZarrV3Group.OpenAsync(store, string.Empty);
        Assert.Equal("0.5", group.Attributes.GetProperty("ome").GetProperty("version").GetString());
        var error = await Assert.ThrowsAsync<Errors.VolumeFormatException>(() => ZarrV3Group.OpenAsync(store, "s0"));
        Assert.Contains("memory:/s0/zarr.json", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<Errors.VolumeFormatException>(() => ZarrV3Array.OpenAsync(store, string.Empty));
    }

    [Fact]
    public async Task Inconsistent_options_are_refused_before_anything_is_written()
    {
        var store = new MemoryStore();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => ZarrV3Array.CreateAsync(store, "a", new ZarrV3ArrayOptions
        {
            Shape = [10, 10], ChunkShape = [3, 3], ShardShape = [8, 9], DataType = VoxelType.UInt8, FillValue = 300,
        }));
        Assert.Contains("ShardShape [8, 9]", error.Message, StringComparison.Ordinal);
        Assert.Contains("300", error.Message, StringComparison.Ordinal);

        var transpose = await Assert.ThrowsAsync<ArgumentException>(() => ZarrV3Array.CreateAsync(store, "b", new ZarrV3ArrayOptions
        {
            Shape = [10, 10], ChunkShape = [5, 5], Codecs = [ZarrV3Codec.Transpose(0, 0)],
        }));
        Assert.Contains("order", transpose.Message, StringComparison.Ordinal);
        Assert.Equal(0, store.Count);
    }

    internal static byte[] U16(params ushort[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        }

        return bytes;
    }

    private static byte[] Box(byte[] data, int[] shape, int[] start, int[] size)
    {
        var result = new List<byte>();
        for (var z = 0; z < size[0]; z++)
        {
            for (var y = 0; y < size[1]; y++)
            {
                var offset = ((((start[0] + z) * shape[1]) + start[1] + y) * shape[2]) + start[2];
                result.AddRange(data.AsSpan(offset * 2, size[2] * 2).ToArray());
            }
        }

        return [.. result];
    }
}
