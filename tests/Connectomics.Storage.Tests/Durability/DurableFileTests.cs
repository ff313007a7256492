using Connectomics.Durability;
using Connectomics.Durability.Testing;
using Connectomics.Storage.Tests.Checkpoints;

namespace Connectomics.Storage.Tests.Durability;

/// <summary>The durable-file primitive: the order of its calls, and what a failure leaves behind.</summary>
public sealed class DurableFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string File(string name) => Path.Combine(_dir.Path, name);

    private string[] Entries() => [.. Directory.EnumerateFileSystemEntries(_dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    [Fact]
    public async Task A_write_creates_and_flushes_the_temporary_file_then_renames_it_then_flushes_the_directory()
    {
        var fileSystem = new RecordingFileSystem();
        var path = File("a.bin");
        var temp = DurableFile.TempPathFor(path);

        await DurableFile.WriteAsync(fileSystem, path, temp, new byte[] { 1, 2, 3 }, CancellationToken.None);

        Assert.Equal(
            [
                new RecordedCall(FileSystemCall.CreateNew, temp, null, true),
                new RecordedCall(FileSystemCall.FlushFile, temp, null, true),
                new RecordedCall(FileSystemCall.Rename, temp, path, true),
                new RecordedCall(FileSystemCall.FlushDirectory, _dir.Path, null, true),
            ],
            fileSystem.Calls);
        Assert.Equal(new byte[] { 1, 2, 3 }, await System.IO.File.ReadAllBytesAsync(path));
        Assert.Equal(["a.bin"], Entries());
    }

    [Fact]
    public async Task A_write_without_replacing_renames_with_no_replace_then_flushes_the_directory()
    {
        var fileSystem = new RecordingFileSystem();
        var path = File("a.bin");
        var temp = DurableFile.TempPathFor(path);

        Assert.True(await DurableFile.TryWriteNewAsync(fileSystem, path, temp, new byte[] { 7 }, CancellationToken.None));

        Assert.Equal(
            [FileSystemCall.CreateNew, FileSystemCall.FlushFile, FileSystemCall.RenameNoReplace, FileSystemCall.FlushDirectory],
            fileSystem.Calls.Select(c => c.Call));
        Assert.Equal(new RecordedCall(FileSystemCall.RenameNoReplace, temp, path, true), fileSystem.Calls[2]);
        Assert.Equal(new byte[] { 7 }, await System.IO.File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task A_write_without_replacing_onto_an_existing_file_reports_it_leaves_the_file_and_removes_the_temporary_file()
    {
        var fileSystem = new RecordingFileSystem();
        var path = File("a.bin");
        await System.IO.File.WriteAllBytesAsync(path, [9, 9]);

        Assert.False(await DurableFile.TryWriteNewAsync(fileSystem, path, DurableFile.TempPathFor(path), new byte[] { 1 }, CancellationToken.None));

        Assert.Equal(new byte[] { 9, 9 }, await System.IO.File.ReadAllBytesAsync(path));
        Assert.Equal(["a.bin"], Entries());
        Assert.Equal(
            [FileSystemCall.CreateNew, FileSystemCall.FlushFile, FileSystemCall.RenameNoReplace, FileSystemCall.Delete],
            fileSystem.Calls.Select(c => c.Call));
        Assert.False(fileSystem.Calls[2].Succeeded);
    }

    [Theory]
    [InlineData(FileSystemCall.FlushFile)]
    [InlineData(FileSystemCall.Rename)]
    public async Task A_failed_flush_or_rename_leaves_no_temporary_file_and_the_old_file_unchanged(FileSystemCall failing)
    {
        var fileSystem = new RecordingFileSystem((call, _) => call == failing);
        var path = File("a.bin");
        await System.IO.File.WriteAllBytesAsync(path, [9]);

        var error = await Assert.ThrowsAsync<IOException>(() => DurableFile.WriteAsync(fileSystem, path, DurableFile.TempPathFor(path), new byte[] { 1 }, CancellationToken.None));

        Assert.Contains("a.bin", error.Message, StringComparison.Ordinal);
        Assert.Equal(new byte[] { 9 }, await System.IO.File.ReadAllBytesAsync(path));
        Assert.Equal(["a.bin"], Entries());
        Assert.DoesNotContain(fileSystem.Calls, c => c.Call == FileSystemCall.FlushDirectory);
    }

    [Fact]
    public void A_failed_write_callback_leaves_no_temporary_file()
    {
        var fileSystem = new RecordingFileSystem();
        var path = File("a.bin");

        Assert.Throws<InvalidOperationException>(() => DurableFile.WriteTemp(fileSystem, DurableFile.TempPathFor(path), _ => throw new InvalidOperationException("boom")));

        Assert.Empty(Entries());
        Assert.Equal([FileSystemCall.CreateNew, FileSystemCall.Delete], fileSystem.Calls.Select(c => c.Call));
    }

    [Fact]
    public void New_directories_are_each_flushed_into_their_parent()
    {
        var fileSystem = new RecordingFileSystem();
        var outer = File("a");
        var inner = Path.Combine(outer, "b");

        DurableFile.CreateDirectory(fileSystem, inner);

        Assert.Equal(
            [
                new RecordedCall(FileSystemCall.CreateDirectory, outer, null, true),
                new RecordedCall(FileSystemCall.FlushDirectory, _dir.Path, null, true),
                new RecordedCall(FileSystemCall.CreateDirectory, inner, null, true),
                new RecordedCall(FileSystemCall.FlushDirectory, outer, null, true),
            ],
            fileSystem.Calls);
        Assert.True(Directory.Exists(inner));

        DurableFile.CreateDirectory(fileSystem, inner);
        Assert.Equal(4, fileSystem.Calls.Count);
    }

    [Fact]
    public void A_temporary_file_in_another_directory_is_refused()
    {
        Directory.CreateDirectory(File("sub"));

        var error = Assert.Throws<ArgumentException>(() => DurableFile.Publish(new RecordingFileSystem(), Path.Combine(File("sub"), "x.tmp"), File("a.bin")));

        Assert.Contains("x.tmp", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_operating_system_rename_without_replacing_never_replaces_and_names_the_files_when_it_fails()
    {
        var source = File("source");
        var taken = File("taken");
        await System.IO.File.WriteAllTextAsync(source, "new");
        await System.IO.File.WriteAllTextAsync(taken, "old");

        Assert.False(OperatingSystemFileSystem.Instance.RenameNoReplace(source, taken));
        Assert.Equal("old", await System.IO.File.ReadAllTextAsync(taken));
        Assert.Equal("new", await System.IO.File.ReadAllTextAsync(source));

        Assert.True(OperatingSystemFileSystem.Instance.RenameNoReplace(source, File("free")));
        Assert.Equal("new", await System.IO.File.ReadAllTextAsync(File("free")));
        Assert.False(System.IO.File.Exists(source));

        var missing = File("missing");
        var error = Assert.ThrowsAny<IOException>(() => OperatingSystemFileSystem.Instance.RenameNoReplace(missing, File("other")));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }
}
