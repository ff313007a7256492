using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr.V3;

namespace Connectomics.Volumes.Tests.Zarr.V3;

public sealed class ZarrV3CorruptDataTests
{
    [Theory]
    [InlineData(ShardIndexLocation.End)]
    [InlineData(ShardIndexLocation.Start)]
    public async Task A_truncated_shard_index_names_the_shard_key(ShardIndexLocation location)
    {
        var (store, array) = await ShardedAsync(location);
        await store.PutAsync("em/c/0/0", new byte[40]);

        var error = await Assert.ThrowsAsync<VolumeDataException>(async () => await array.ReadChunkAsync(new long[] { 0, 1 }));

        Assert.Equal("em/c/0/0", error.ChunkKey);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.Contains("memory:/em", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shard_index_failing_its_crc32c_names_the_shard_key()
    {
        var (store, array) = await ShardedAsync(ShardIndexLocation.End);
        var shard = (await store.GetAsync("em/c/0/0"))!;
        shard[^10] ^= 0x01;
        await store.PutAsync("em/c/0/0", shard);

        var error = await Assert.ThrowsAsync<VolumeDataException>(async () => await array.ReadChunkAsync(new long[] { 0, 0 }));

        Assert.Equal("em/c/0/0", error.ChunkKey);
        Assert.Contains("crc32c", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_inner_chunk_failing_its_crc32c_names_its_key()
    {
        var (store, array) = await ShardedAsync(ShardIndexLocation.End);
        var shard = (await store.GetAsync("em/c/0/0"))!;
        shard[1] ^= 0x40;
        await store.PutAsync("em/c/0/0", shard);

        var error = await Assert.ThrowsAsync<VolumeDataException>(async () => await array.ReadChunkAsync(new long[] { 0, 0 }));

        Assert.Equal("em/c/0/0[0,0]", error.ChunkKey);
        Assert.Contains("em/c/0/0[0,0]", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDataException>(error.InnerException);
        Assert.NotNull(await array.ReadChunkAsync(new long[] { 1, 1 }));
    }

    [Fact]
    public async Task An_index_pointing_past_the_shard_is_reported_as_truncated()
    {
        var (store, array) = await ShardedAsync(ShardIndexLocation.Start);
        var shard = (await store.GetAsync("em/c/0/0"))!;
        await store.PutAsync("em/c/0/0", shard.AsSpan(0, shard.Length - 3).ToArray());

        var error = await Assert.ThrowsAsync<VolumeDataException>(async () => await array.ReadChunkAsync(new long[] { 1, 1 }));

        Assert.Equal("em/c/0/0[1,1]", error.ChunkKey);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chunk_that_does_not_decompress_or_has_the_wrong_size_names_its_key()
    {
        var store = new MemoryStore();
        var array = await ZarrV3Array.CreateAsync(store, "z", new ZarrV3ArrayOptions { Shape = [8, 8], ChunkShape = [4, 4], DataType = VoxelType.UInt16, Codecs = [ZarrV3Codec.Zstd()] });
        await store.PutAsync("z/c/1/0", new byte[] { 0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x01, 0x02 });
        var garbage = await Assert.ThrowsAsync<VolumeDataException>(async () => await array.ReadChunkAsync(new long[] { 1, 0 }));
        Assert.Equal("z/c/1/0", garbage.ChunkKey);

        var raw = await ZarrV3Array.CreateAsync(store, "r", new ZarrV3ArrayOptions { Shape = [8, 8], ChunkShape = [4, 4], DataType = VoxelType.UInt16 });
        await store.PutAsync("r/c/0/1", new byte[30]);
        var wrongSize = await Assert.ThrowsAsync<VolumeDataException>(async () => await raw.ReadChunkAsync(new long[] { 0, 1 }));
        Assert.Equal("r/c/0/1", wrongSize.ChunkKey);
        Assert.Contains("32 were expected", wrongSize.Message, StringComparison.Ordinal);
    }

    private static async Task<(MemoryStore Store, ZarrV3Array Array)> ShardedAsync(ShardIndexLocation location)
    {
        var store = new MemoryStore();
        var array = await ZarrV3Array.CreateAsync(store, "em", new ZarrV3ArrayOptions
        {
            Shape = [8, 8], ChunkShape = [4, 4], ShardShape = [8, 8], DataType = VoxelType.UInt8, FillValue = 0,
            Codecs = [ZarrV3Codec.Crc32c()], IndexLocation = location,
        });
        await WholeArrays.WriteAsync(array, [.. Enumerable.Range(1, 64).Select(i => (byte)i)]);
        return (store, await ZarrV3Array.OpenAsync(store, "em"));
    }
}
