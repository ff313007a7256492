using Connectomics.Durability.Testing;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Table;

namespace Connectomics.Storage.Tests.Lance;

/// <summary>
/// The file-system calls of a Lance write and commit, in order: every data file is on storage, with its directory
/// entry, before the manifest that references it is published, and each transaction file, manifest and version hint
/// is flushed, renamed and its directory flushed.
/// </summary>
public sealed class LanceCommitDurabilityTests : IDisposable
{
    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-durable-");

    public void Dispose() => _db.Delete(recursive: true);

    private string TablePath => Path.Combine(_db.FullName, "t.lance");

    private string Versions => Path.Combine(TablePath, TableLayout.VersionsDirectory);

    private LanceWriteOptions Options(RecordingFileSystem fileSystem, LanceWriteMode mode = LanceWriteMode.Create) =>
        new() { Mode = mode, FileSystem = fileSystem, MaxRowsPerFragment = 4 };

    private async Task<ulong> WriteAsync(RecordingFileSystem fileSystem, int start, int rows, LanceWriteMode mode = LanceWriteMode.Create)
    {
        await using var writer = await LanceTableWriter.OpenAsync(TablePath, SampleBatches.VectorSchema(4), Options(fileSystem, mode));
        await writer.WriteAsync(SampleBatches.Vectors(start, rows, 4));
        return await writer.CompleteAsync();
    }

    /// <summary>Asserts that a staged file was created, flushed, renamed to <paramref name="path"/> and its directory flushed, in that order and back to back.</summary>
    private static void AssertPublished(RecordingFileSystem fileSystem, string path, FileSystemCall rename)
    {
        var at = fileSystem.IndexOf(c => c.Call == rename && c.Destination == path && c.Succeeded);
        Assert.True(at >= 2, $"'{path}' was not published with {rename}:{Environment.NewLine}{fileSystem.Trace}");
        var calls = fileSystem.Calls;
        var staging = calls[at].Path;
        Assert.Equal(Path.GetDirectoryName(path), Path.GetDirectoryName(staging));
        Assert.Equal(new RecordedCall(FileSystemCall.CreateNew, staging, null, true), calls[at - 2]);
        Assert.Equal(new RecordedCall(FileSystemCall.FlushFile, staging, null, true), calls[at - 1]);
        Assert.Equal(new RecordedCall(FileSystemCall.FlushDirectory, Path.GetDirectoryName(path)!, null, true), calls[at + 1]);
    }

    [Fact]
    public async Task A_commit_flushes_its_data_files_and_their_directory_before_it_publishes_the_manifest()
    {
        var fileSystem = new RecordingFileSystem();

        Assert.Equal(1UL, await WriteAsync(fileSystem, 0, 10));

        var manifestPath = Path.Combine(Versions, TableLayout.ManifestFileName(1));
        var publish = fileSystem.IndexOf(c => c.Call == FileSystemCall.RenameNoReplace && c.Destination == manifestPath);
        var dataDirectory = Path.Combine(TablePath, TableLayout.DataDirectory);
        var manifest = await LoadedManifest.ReadLatestAsync(TablePath, CancellationToken.None);
        var dataFiles = manifest!.Manifest.Fragments.SelectMany(f => f.Files).Select(f => Path.Combine(dataDirectory, f.Path)).ToList();
        Assert.Equal(3, dataFiles.Count);
        var directoryFlush = fileSystem.IndexOf(c => c.Call == FileSystemCall.FlushDirectory && c.Path == dataDirectory);
        foreach (var dataFile in dataFiles)
        {
            var created = fileSystem.IndexOf(c => c.Call == FileSystemCall.CreateNew && c.Path == dataFile);
            var flushed = fileSystem.IndexOf(c => c.Call == FileSystemCall.FlushFile && c.Path == dataFile);
            Assert.True(created >= 0 && created < flushed && flushed < directoryFlush && directoryFlush < publish, $"data file '{dataFile}' is not on storage before the manifest is published:{Environment.NewLine}{fileSystem.Trace}");
        }

        // The new directories are flushed into their parents before anything is published in them.
        foreach (var directory in new[] { TablePath, dataDirectory, Path.Combine(TablePath, TableLayout.TransactionsDirectory), Versions })
        {
            var created = fileSystem.IndexOf(c => c.Call == FileSystemCall.CreateDirectory && c.Path == directory);
            Assert.True(created >= 0, $"'{directory}' was not created through the file system:{Environment.NewLine}{fileSystem.Trace}");
            Assert.Equal(new RecordedCall(FileSystemCall.FlushDirectory, Path.GetDirectoryName(directory)!, null, true), fileSystem.Calls[created + 1]);
        }

        AssertPublished(fileSystem, Path.Combine(TablePath, TableLayout.TransactionsDirectory, manifest.Manifest.TransactionFile), FileSystemCall.RenameNoReplace);
        AssertPublished(fileSystem, manifestPath, FileSystemCall.RenameNoReplace);
        AssertPublished(fileSystem, Path.Combine(Versions, TableLayout.VersionHintFile), FileSystemCall.Rename);
        Assert.True(
            fileSystem.IndexOf(c => c.Destination?.EndsWith(".txn", StringComparison.Ordinal) == true) < publish,
            $"the transaction file is published after the manifest:{Environment.NewLine}{fileSystem.Trace}");
        Assert.Equal(10, (await LanceTable.OpenAsync(TablePath)).RowCount);
    }

    [Fact]
    public async Task A_commit_that_loses_the_race_never_replaces_the_winners_manifest_and_leaves_no_staging_file()
    {
        await WriteAsync(new RecordingFileSystem(), 0, 2);
        var fileSystem = new RecordingFileSystem();
        var append = Options(fileSystem, LanceWriteMode.Append);
        await using var loser = await LanceTableWriter.OpenAsync(TablePath, SampleBatches.VectorSchema(4), append);
        await loser.WriteAsync(SampleBatches.Vectors(2, 2, 4));
        Assert.Equal(2UL, await WriteAsync(new RecordingFileSystem(), 4, 2, LanceWriteMode.Append));
        var winner = Path.Combine(Versions, TableLayout.ManifestFileName(2));
        var winnerBytes = await File.ReadAllBytesAsync(winner);

        Assert.Equal(3UL, await loser.CompleteAsync());

        Assert.Equal(winnerBytes, await File.ReadAllBytesAsync(winner));
        var lost = Assert.Single(fileSystem.Calls, c => c.Call == FileSystemCall.RenameNoReplace && c.Destination == winner);
        Assert.False(lost.Succeeded);
        Assert.Contains(new RecordedCall(FileSystemCall.Delete, lost.Path, null, true), fileSystem.Calls);
        AssertPublished(fileSystem, Path.Combine(Versions, TableLayout.ManifestFileName(3)), FileSystemCall.RenameNoReplace);
        Assert.DoesNotContain(Directory.EnumerateFiles(Versions), f => Path.GetFileName(f).StartsWith(".tmp", StringComparison.Ordinal));
        Assert.Equal(6, (await LanceTable.OpenAsync(TablePath)).RowCount);
    }

    [Fact]
    public async Task A_commit_whose_manifest_cannot_be_flushed_publishes_nothing_and_leaves_no_staging_or_data_file()
    {
        var fileSystem = new RecordingFileSystem((call, path) => call == FileSystemCall.FlushFile && Path.GetDirectoryName(path) == Versions);

        await Assert.ThrowsAsync<IOException>(() => WriteAsync(fileSystem, 0, 5));

        Assert.Empty(Directory.EnumerateFiles(Versions));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(TablePath, TableLayout.DataDirectory)));
        Assert.DoesNotContain(fileSystem.Calls, c => c.Call == FileSystemCall.RenameNoReplace && c.Destination!.EndsWith(".manifest", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_commit_whose_directory_flush_fails_after_the_manifest_is_published_keeps_the_data_files()
    {
        var fileSystem = new RecordingFileSystem((call, path) => call == FileSystemCall.FlushDirectory && path == Versions);
        await using (var writer = await LanceTableWriter.OpenAsync(TablePath, SampleBatches.VectorSchema(4), Options(fileSystem)))
        {
            await writer.WriteAsync(SampleBatches.Vectors(0, 5, 4));

            await Assert.ThrowsAsync<IOException>(() => writer.CompleteAsync());
            Assert.Equal(1UL, writer.CommittedVersion);
        }

        Assert.Equal(5, (await LanceTable.OpenAsync(TablePath)).RowCount);
        Assert.Equal(2, Directory.EnumerateFiles(Path.Combine(TablePath, TableLayout.DataDirectory)).Count());
    }
}
