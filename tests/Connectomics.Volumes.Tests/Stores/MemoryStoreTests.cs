using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Tests.Stores;

public sealed class MemoryStoreTests
{
    [Fact]
    public async Task Ranges_read_the_selected_bytes_and_suffixes_the_last_ones()
    {
        var store = new MemoryStore();
        await store.PutAsync("a/c/0/0", new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 });

        Assert.Equal(new byte[] { 2, 3, 4 }, await store.GetRangeAsync("a/c/0/0", ByteRange.FromOffset(2, 3)));
        Assert.Equal(new byte[] { 8, 9 }, await store.GetRangeAsync("a/c/0/0", ByteRange.FromOffset(8, 100)));
        Assert.Equal(new byte[] { 7, 8, 9 }, await store.GetRangeAsync("a/c/0/0", ByteRange.Suffix(3)));
        Assert.Equal(10, (await store.GetRangeAsync("a/c/0/0", ByteRange.Suffix(50)))!.Length);
        Assert.Null(await store.GetRangeAsync("a/c/0/1", ByteRange.Suffix(3)));
    }

    [Fact]
    public async Task Stored_values_do_not_alias_the_callers_buffers()
    {
        var store = new MemoryStore();
        var buffer = new byte[] { 1, 2, 3 };
        await store.PutAsync("k", buffer);
        buffer[0] = 99;

        var read = await store.GetAsync("k");
        read![1] = 99;

        Assert.Equal(new byte[] { 1, 2, 3 }, await store.GetAsync("k"));
    }

    [Fact]
    public async Task Listing_is_by_prefix_in_ordinal_order_and_delete_reports_whether_the_key_existed()
    {
        var store = new MemoryStore();
        foreach (var key in new[] { "s0/c/1/0/0", "s0/zarr.json", "s1/zarr.json", "s0/c/0/0/0" })
        {
            await store.PutAsync(key, new byte[] { 1 });
        }

        var keys = new List<string>();
        await foreach (var key in store.ListAsync("s0/"))
        {
            keys.Add(key);
        }

        Assert.Equal(["s0/c/0/0/0", "s0/c/1/0/0", "s0/zarr.json"], keys);
        Assert.True(await store.DeleteAsync("s1/zarr.json"));
        Assert.False(await store.DeleteAsync("s1/zarr.json"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/abs")]
    [InlineData("a//b")]
    [InlineData("a/../b")]
    [InlineData("a\\b")]
    public async Task Keys_that_could_escape_the_root_are_refused(string key)
    {
        var store = new MemoryStore();
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.PutAsync(key, new byte[] { 1 }));
    }
}
