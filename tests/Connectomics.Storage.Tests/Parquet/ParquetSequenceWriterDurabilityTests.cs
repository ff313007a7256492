using Connectomics.Durability.Testing;
using Connectomics.Sequences;
using Connectomics.Storage.Parquet;

namespace Connectomics.Storage.Tests.Parquet;

/// <summary>The file-system calls of a Parquet commit, in order, and what a failed commit leaves.</summary>
public sealed class ParquetSequenceWriterDurabilityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(true, FileSystemCall.Rename)]
    [InlineData(false, FileSystemCall.RenameNoReplace)]
    public async Task A_commit_flushes_the_finished_file_then_renames_it_then_flushes_the_directory(bool overwrite, FileSystemCall rename)
    {
        var fileSystem = new RecordingFileSystem();
        var options = new ParquetSequenceWriterOptions { Path = _dir.File("out.parquet"), Overwrite = overwrite };
        await using (var writer = new ParquetSequenceWriter(options, fileSystem))
        {
            await writer.WriteAsync(new SequenceRecord("r", "ACGT"));
            Assert.Empty(fileSystem.Calls);
            await writer.CompleteAsync();
        }

        var temp = fileSystem.Calls[0].Path;
        Assert.Matches(@"/\.out\.parquet\.[0-9a-f]{32}\.tmp$", temp);
        Assert.Equal(
            [
                new RecordedCall(FileSystemCall.FlushFile, temp, null, true),
                new RecordedCall(rename, temp, options.Path, true),
                new RecordedCall(FileSystemCall.FlushDirectory, _dir.Path, null, true),
            ],
            fileSystem.Calls.Take(3));
        Assert.Equal([options.Path], Directory.GetFiles(_dir.Path));
        Assert.Equal("r", Assert.Single(await ParquetTestFiles.ReadAllAsync(new ParquetSequenceSourceOptions { Inputs = { options.Path } })).Id);
    }

    [Fact]
    public async Task A_commit_whose_flush_fails_publishes_nothing_and_dispose_removes_the_temporary_file()
    {
        var fileSystem = new RecordingFileSystem((call, _) => call == FileSystemCall.FlushFile);
        var options = new ParquetSequenceWriterOptions { Path = _dir.File("out.parquet") };
        var writer = new ParquetSequenceWriter(options, fileSystem);
        await writer.WriteAsync(new SequenceRecord("r", "ACGT"));

        var error = await Assert.ThrowsAsync<ParquetOutputException>(() => writer.CompleteAsync());
        await writer.DisposeAsync();

        Assert.Contains(options.Path, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir.Path));
        Assert.DoesNotContain(fileSystem.Calls, c => c.Call is FileSystemCall.Rename or FileSystemCall.RenameNoReplace);
    }

    [Fact]
    public async Task Without_overwrite_a_file_created_meanwhile_is_never_replaced_and_no_temporary_file_is_left()
    {
        var fileSystem = new RecordingFileSystem();
        var options = new ParquetSequenceWriterOptions { Path = _dir.File("out.parquet") };
        await using var writer = new ParquetSequenceWriter(options, fileSystem);
        await writer.WriteAsync(new SequenceRecord("r", "ACGT"));
        await File.WriteAllTextAsync(options.Path, "written meanwhile");

        await Assert.ThrowsAsync<ParquetOutputException>(() => writer.CompleteAsync());

        Assert.Equal("written meanwhile", await File.ReadAllTextAsync(options.Path));
        Assert.Equal([options.Path], Directory.GetFiles(_dir.Path));
        var rename = Assert.Single(fileSystem.Calls, c => c.Call == FileSystemCall.RenameNoReplace);
        Assert.False(rename.Succeeded);
        Assert.DoesNotContain(fileSystem.Calls, c => c.Call is FileSystemCall.Rename or FileSystemCall.FlushDirectory);
    }
}
