using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr;
using Connectomics.Volumes.Zarr.V2;

namespace Connectomics.Volumes.Tests.Zarr.V2;

/// <summary>What a written chunk looks like in the store, checked byte by byte against hand-computed layouts.</summary>
public sealed class ZarrV2ArrayTests
{
    [Fact]
    public async Task Chunks_are_stored_in_the_order_and_byte_order_the_metadata_says()
    {
        var store = new MemoryStore();
        var array = await ZarrV2Array.CreateAsync(store, "a", new ZarrV2ArrayOptions
        {
            Shape = [2, 3],
            Chunks = [2, 3],
            DataType = VoxelType.UInt16,
            Order = ZarrV2Order.F,
            ByteOrder = ByteOrder.Big,
            DimensionSeparator = '/',
        });

        // C order [[1, 2, 3], [4, 5, 6]], little-endian, in; Fortran order 1 4 2 5 3 6, big-endian, stored.
        await array.WriteUnitAsync(new long[] { 0, 0 }, new byte[] { 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0 });

        Assert.Equal(new byte[] { 0, 1, 0, 4, 0, 2, 0, 5, 0, 3, 0, 6 }, await store.GetAsync("a/0/0"));
        Assert.Equal(new byte[] { 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0 }, await array.ReadChunkAsync(new long[] { 0, 0 }));
        using var zarray = JsonDocument.Parse((await store.GetAsync("a/.zarray"))!);
        Assert.Equal(">u2", zarray.RootElement.GetProperty("dtype").GetString());
        Assert.Equal("F", zarray.RootElement.GetProperty("order").GetString());
        Assert.Equal("/", zarray.RootElement.GetProperty("dimension_separator").GetString());
        Assert.Equal(JsonValueKind.Null, zarray.RootElement.GetProperty("compressor").ValueKind);
        Assert.Equal(JsonValueKind.Null, zarray.RootElement.GetProperty("filters").ValueKind);
        Assert.Equal(2, zarray.RootElement.GetProperty("zarr_format").GetInt32());
        Assert.Equal("{\n    \"zarr_format\": 2\n}", Encoding.UTF8.GetString((await store.GetAsync(".zgroup"))!).Replace("\r", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task All_fill_chunks_are_not_stored_and_replace_a_stored_chunk_by_its_removal()
    {
        var store = new MemoryStore();
        var array = await ZarrV2Array.CreateAsync(store, "", new ZarrV2ArrayOptions { Shape = [4], Chunks = [2], DataType = VoxelType.Float32, FillValue = double.NaN });
        var nan = BitConverter.GetBytes(float.NaN); // .NET's NaN has another bit pattern than the stored fill; it is still NaN
        var nans = nan.Concat(nan).ToArray();

        await array.WriteUnitAsync(new long[] { 0 }, nans);
        Assert.Null(await store.GetAsync("0"));

        await array.WriteUnitAsync(new long[] { 0 }, BitConverter.GetBytes(1f).Concat(nan).ToArray());
        Assert.NotNull(await store.GetAsync("0"));

        await array.WriteUnitAsync(new long[] { 0 }, nans);
        Assert.Null(await store.GetAsync("0"));
        Assert.Null(await array.ReadChunkAsync(new long[] { 0 }));
    }

    [Fact]
    public async Task The_part_of_an_edge_chunk_past_the_array_is_stored_as_the_fill_value()
    {
        var store = new MemoryStore();
        var array = await ZarrV2Array.CreateAsync(store, "e", new ZarrV2ArrayOptions { Shape = [3, 3], Chunks = [2, 2], DataType = VoxelType.UInt8, FillValue = 9 });

        await array.WriteUnitAsync(new long[] { 1, 1 }, new byte[] { 5, 66, 77, 88 });
        await array.WriteUnitAsync(new long[] { 1, 0 }, new byte[] { 9, 9, 1, 2 }); // inside: all fill; past the edge: not

        Assert.Equal(new byte[] { 5, 9, 9, 9 }, await store.GetAsync("e/1.1"));
        Assert.Null(await store.GetAsync("e/1.0"));
    }

    [Fact]
    public async Task Info_describes_the_array_in_the_api_terms()
    {
        var store = new MemoryStore("memory:info");
        var array = await ZarrV2Array.CreateAsync(store, "em/s0", new ZarrV2ArrayOptions
        {
            Shape = [100, 200, 300],
            Chunks = [64, 64, 64],
            DataType = VoxelType.UInt64,
            FillValueBytes = new byte[] { 1, 2, 3, 4, 5, 6, 7, 0xF0 },
            Compressor = new Connectomics.Volumes.Codecs.GzipCodec(3),
            Attributes = new JsonObject { ["_ARRAY_DIMENSIONS"] = new JsonArray("z", "y", "x") },
        });

        var opened = await ZarrV2Array.OpenAsync(store, "/em/s0/");
        foreach (var info in new[] { array.Info, opened.Info })
        {
            Assert.Equal(VolumeFormat.ZarrV2, info.Format);
            Assert.Equal("memory:info/em/s0", info.Location);
            Assert.Equal([100L, 200, 300], info.Shape);
            Assert.Equal([64, 64, 64], info.ChunkShape);
            Assert.Null(info.ShardShape);
            Assert.Equal([2L, 4, 5], info.ChunkGridShape);
            Assert.Equal(VoxelType.UInt64, info.DataType);
            Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 0xF0 }, info.FillValue.ToArray());
            Assert.Equal(["z", "y", "x"], info.DimensionNames!);
            Assert.StartsWith("gzip", info.CodecSummary, StringComparison.Ordinal);
        }

        Assert.Equal("em/s0/1.3.4", opened.ChunkKey([1, 3, 4]));
        using var zarray = JsonDocument.Parse((await store.GetAsync("em/s0/.zarray"))!);
        Assert.Equal(17295799512551588353UL, zarray.RootElement.GetProperty("fill_value").GetUInt64());
        Assert.NotNull(await store.GetAsync("em/.zgroup"));
        Assert.NotNull(await store.GetAsync(".zgroup"));
    }
}
