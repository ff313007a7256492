using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Tests.Stores;

public sealed class FileSystemStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new("fs-store");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Values_are_files_under_the_root_and_read_back_whole_or_in_ranges()
    {
        var store = new FileSystemStore(Path.Combine(_directory.Path, "em.zarr"));
        var value = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();

        await store.PutAsync("s0/0/1/2", value);

        var file = Path.Combine(_directory.Path, "em.zarr", "s0", "0", "1", "2");
        Assert.Equal(value, await File.ReadAllBytesAsync(file));
        Assert.Equal(file, store.PathOf("s0/0/1/2"));
        Assert.Equal(value, await store.GetAsync("s0/0/1/2"));
        Assert.Equal(value[10..15], await store.GetRangeAsync("s0/0/1/2", ByteRange.FromOffset(10, 5)));
        Assert.Equal(value[95..], await store.GetRangeAsync("s0/0/1/2", ByteRange.FromOffset(95, 50)));
        Assert.Empty((await store.GetRangeAsync("s0/0/1/2", ByteRange.FromOffset(200, 5)))!);
        Assert.Equal(value[^16..], await store.GetRangeAsync("s0/0/1/2", ByteRange.Suffix(16)));
        Assert.Equal(value, await store.GetRangeAsync("s0/0/1/2", ByteRange.Suffix(1000)));
    }

    [Fact]
    public async Task Missing_keys_and_directories_read_as_null_and_deletes_say_whether_the_key_existed()
    {
        var store = new FileSystemStore(Path.Combine(_directory.Path, "not-yet"));
        Assert.Null(await store.GetAsync("a/b"));
        Assert.Null(await store.GetRangeAsync("a/b", ByteRange.Suffix(4)));
        Assert.False(await store.DeleteAsync("a/b"));
        Assert.Empty(await ListAsync(store, ""));

        await store.PutAsync("a/b", new byte[] { 1 });

        Assert.Null(await store.GetAsync("a")); // a directory holds no value
        Assert.Null(await store.GetAsync("a/b/c")); // below a file
        Assert.True(await store.DeleteAsync("a/b"));
        Assert.False(File.Exists(store.PathOf("a/b")));
        Assert.Null(await store.GetAsync("a/b"));
    }

    [Fact]
    public async Task Puts_replace_values_whole_and_leave_no_temporary_files()
    {
        var store = new FileSystemStore(_directory.Path);
        await store.PutAsync("k", new byte[] { 1, 2, 3, 4 });
        await store.PutAsync("k", new byte[] { 9 });

        Assert.Equal(new byte[] { 9 }, await store.GetAsync("k"));
        Assert.Equal(["k"], _directory.Entries());
    }

    [Fact]
    public async Task Listing_is_recursive_by_prefix_in_ordinal_order_and_skips_temporary_files()
    {
        var store = new FileSystemStore(_directory.Path);
        foreach (var key in new[] { "s1/.zarray", "s0/1.0.0", "s0/.zarray", "s0/0.0.0", "s0/c/0/0", "s10/x", ".zgroup" })
        {
            await store.PutAsync(key, new byte[] { 1 });
        }

        // What a write cut short by a crash leaves behind: a hidden temporary next to the value.
        await File.WriteAllBytesAsync(Path.Combine(_directory.Path, "s0", $".0.0.0.{Guid.NewGuid():N}.tmp"), [1, 2]);

        Assert.Equal([".zgroup", "s0/.zarray", "s0/0.0.0", "s0/1.0.0", "s0/c/0/0", "s1/.zarray", "s10/x"], await ListAsync(store, ""));
        Assert.Equal(["s0/.zarray", "s0/0.0.0", "s0/1.0.0", "s0/c/0/0"], await ListAsync(store, "s0/"));
        Assert.Equal(["s1/.zarray", "s10/x"], await ListAsync(store, "s1"));
        Assert.Equal(["s0/c/0/0"], await ListAsync(store, "s0/c"));
        Assert.Empty(await ListAsync(store, "s2/"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("..")]
    [InlineData("a\\b")]
    [InlineData("a//b")]
    public async Task Keys_that_could_escape_the_root_are_refused(string key)
    {
        var store = new FileSystemStore(_directory.Path);

        await Assert.ThrowsAsync<ArgumentException>(async () => await store.PutAsync(key, new byte[] { 1 }));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.GetAsync(key));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory.Path));
    }

    [Fact]
    public async Task A_put_where_a_directory_is_fails_with_an_io_exception_naming_the_file_and_changes_nothing()
    {
        var store = new FileSystemStore(_directory.Path);
        await store.PutAsync("d/k", new byte[] { 1 });

        // A value cannot be written where a directory of that name is.
        var error = await Assert.ThrowsAnyAsync<IOException>(async () => await store.PutAsync("d", new byte[] { 1 }));

        Assert.Contains(store.PathOf("d"), error.Message, StringComparison.Ordinal);
        Assert.Equal(new byte[] { 1 }, await store.GetAsync("d/k"));
        Assert.Equal(["d"], _directory.Entries()); // the temporary file was removed
    }

    private static async Task<List<string>> ListAsync(IKeyValueStore store, string prefix)
    {
        var keys = new List<string>();
        await foreach (var key in store.ListAsync(prefix))
        {
            keys.Add(key);
        }

        return keys;
    }
}
