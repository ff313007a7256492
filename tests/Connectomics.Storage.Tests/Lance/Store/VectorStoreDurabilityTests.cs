using Connectomics.Chunks;
using Connectomics.Durability.Testing;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Table;
using Connectomics.Storage.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Connectomics.Storage.Tests.Lance.Store;

/// <summary>
/// The file-system calls of a tagged commit, in order: each data file is flushed when it is closed, the data directory
/// before the manifest is published, and the transaction file and the manifest are each flushed, renamed and their
/// directory flushed before the commit returns.
/// </summary>
public sealed class VectorStoreDurabilityTests : IDisposable
{
    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-store-durable-");

    public void Dispose() => _db.Delete(recursive: true);

    private string TablePath => Path.Combine(_db.FullName, "t.lance");

    private LanceVectorStore Store(RecordingFileSystem fileSystem) =>
        LanceVectorStore.Open(_db.FullName, StorageTelemetry.Shared, NullLogger.Instance, new LanceWriteOptions { FileSystem = fileSystem, MaxRowsPerFragment = 2, MinRowsPerPage = 1 });

    [Fact]
    public async Task A_tagged_commit_has_its_data_files_their_directory_its_transaction_and_its_manifest_on_storage_before_it_returns()
    {
        var fileSystem = new RecordingFileSystem();
        var table = await Store(fileSystem).OpenTableAsync(StoreRows.Narrow());
        await using var writer = await table.OpenWriterAsync("run", ShardAssignment.Single);
        await writer.WriteAsync(StoreRows.Narrow("a", 5));
        var committing = fileSystem.Calls.Count;

        Assert.Equal(2UL, await writer.CommitAsync(StoreRows.Tag("run", ShardAssignment.Single, 5)));

        var calls = fileSystem.Calls;
        var data = Path.Combine(TablePath, TableLayout.DataDirectory);
        var versions = Path.Combine(TablePath, TableLayout.VersionsDirectory);
        var manifestPath = Path.Combine(versions, TableLayout.ManifestFileName(2));
        var manifest = await LoadedManifest.ReadLatestAsync(TablePath, CancellationToken.None);
        var dataFiles = manifest!.Manifest.Fragments.SelectMany(f => f.Files).Select(f => Path.Combine(data, f.Path)).ToList();
        Assert.Equal(3, dataFiles.Count);
        var publish = fileSystem.IndexOf(c => c.Call == FileSystemCall.RenameNoReplace && c.Destination == manifestPath && c.Succeeded);
        var directoryFlush = fileSystem.IndexOf(c => c.Call == FileSystemCall.FlushDirectory && c.Path == data && c.Succeeded);
        Assert.True(directoryFlush > committing && directoryFlush < publish, fileSystem.Trace);
        foreach (var file in dataFiles)
        {
            var created = fileSystem.IndexOf(c => c.Call == FileSystemCall.CreateNew && c.Path == file);
            var flushed = fileSystem.IndexOf(c => c.Call == FileSystemCall.FlushFile && c.Path == file);
            Assert.True(created >= 0 && created < flushed && flushed < directoryFlush, $"'{file}' is not on storage before its directory is flushed:{Environment.NewLine}{fileSystem.Trace}");
        }

        var transactionPath = Path.Combine(TablePath, TableLayout.TransactionsDirectory, manifest.Manifest.TransactionFile);
        var transaction = fileSystem.IndexOf(c => c.Call == FileSystemCall.RenameNoReplace && c.Destination == transactionPath && c.Succeeded);
        Assert.True(transaction > committing && transaction < publish, fileSystem.Trace);
        foreach (var (at, path) in new[] { (transaction, transactionPath), (publish, manifestPath) })
        {
            Assert.Equal(new RecordedCall(FileSystemCall.CreateNew, calls[at].Path, null, true), calls[at - 2]);
            Assert.Equal(new RecordedCall(FileSystemCall.FlushFile, calls[at].Path, null, true), calls[at - 1]);
            Assert.Equal(new RecordedCall(FileSystemCall.FlushDirectory, Path.GetDirectoryName(path)!, null, true), calls[at + 1]);
        }
    }

    [Fact]
    public async Task A_commit_that_fails_after_its_manifest_is_published_keeps_its_rows_and_its_tag()
    {
        var versions = Path.Combine(TablePath, TableLayout.VersionsDirectory);
        var failing = false;
        var fileSystem = new RecordingFileSystem((call, path) => failing && call == FileSystemCall.FlushDirectory && path == versions);
        var table = await Store(fileSystem).OpenTableAsync(StoreRows.Narrow());
        await using (var writer = await table.OpenWriterAsync("run", ShardAssignment.Single))
        {
            await writer.WriteAsync(StoreRows.Narrow("a", 3));
            failing = true;
            await Assert.ThrowsAsync<IOException>(() => writer.CommitAsync(StoreRows.Tag("run", ShardAssignment.Single, 3)));
            Assert.Equal(0, writer.PendingRows);
        }

        var reopened = await LanceVectorStore.Open(_db.FullName).OpenTableAsync("t");
        Assert.Equal(3, reopened.RowCount);
        Assert.Equal(2UL, (await reopened.FindLastCommitAsync("run", ShardAssignment.Single))!.Version);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(TablePath, TableLayout.DataDirectory)).Length);
    }
}
