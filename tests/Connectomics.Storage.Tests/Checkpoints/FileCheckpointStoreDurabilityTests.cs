using Connectomics.Checkpoints;
using Connectomics.Durability.Testing;
using Connectomics.Storage.Checkpoints;
using Connectomics.Storage.Telemetry;

namespace Connectomics.Storage.Tests.Checkpoints;

/// <summary>The file-system calls of a checkpoint save, in order, and what a failed save leaves.</summary>
public sealed class FileCheckpointStoreDurabilityTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private static CheckpointState State(ulong version) => new()
    {
        RunId = "run",
        Position = new Dictionary<string, string> { ["row"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        StoreVersion = version,
    };

    [Fact]
    public async Task A_save_flushes_the_new_directory_the_temporary_file_and_after_the_renames_the_directory()
    {
        var fileSystem = new RecordingFileSystem();
        var store = new FileCheckpointStore(_root.Path, "run", null, null, StorageTelemetry.Shared, fileSystem);

        await store.SaveAsync(State(1));
        var first = fileSystem.Calls;
        var temp = first[2].Path;
        Assert.Equal(
            [
                new RecordedCall(FileSystemCall.CreateDirectory, store.RunDirectory, null, true),
                new RecordedCall(FileSystemCall.FlushDirectory, _root.Path, null, true),
                new RecordedCall(FileSystemCall.CreateNew, temp, null, true),
                new RecordedCall(FileSystemCall.FlushFile, temp, null, true),
                new RecordedCall(FileSystemCall.Rename, temp, store.CurrentPath, true),
                new RecordedCall(FileSystemCall.FlushDirectory, store.RunDirectory, null, true),
            ],
            first);

        await store.SaveAsync(State(2));
        var second = fileSystem.Calls.Skip(first.Count).ToList();
        temp = second[0].Path;
        Assert.Equal(
            [
                new RecordedCall(FileSystemCall.CreateNew, temp, null, true),
                new RecordedCall(FileSystemCall.FlushFile, temp, null, true),
                new RecordedCall(FileSystemCall.Rename, store.CurrentPath, store.PreviousPath, true),
                new RecordedCall(FileSystemCall.Rename, temp, store.CurrentPath, true),
                new RecordedCall(FileSystemCall.FlushDirectory, store.RunDirectory, null, true),
            ],
            second);
        Assert.Equal((ulong)2, (await store.LoadAsync())!.StoreVersion);
    }

    [Theory]
    [InlineData(FileSystemCall.FlushFile)]
    [InlineData(FileSystemCall.Rename)]
    public async Task A_save_whose_flush_or_rename_fails_leaves_no_temporary_file_and_the_saved_state(FileSystemCall failing)
    {
        var store = new FileCheckpointStore(_root.Path, "run", null, null, StorageTelemetry.Shared, new RecordingFileSystem());
        await store.SaveAsync(State(1));
        var failingStore = new FileCheckpointStore(_root.Path, "run", null, null, StorageTelemetry.Shared, new RecordingFileSystem((call, path) => call == failing && !path.EndsWith(FileCheckpointStore.PreviousFileName, StringComparison.Ordinal)));

        await Assert.ThrowsAsync<IOException>(() => failingStore.SaveAsync(State(2)));

        // A failed flush leaves state.json; a failed rename of the new state leaves the old one as state.prev.json.
        var expected = failing == FileSystemCall.FlushFile ? FileCheckpointStore.CurrentFileName : FileCheckpointStore.PreviousFileName;
        Assert.Equal([expected], Directory.EnumerateFiles(store.RunDirectory).Select(f => Path.GetFileName(f)).ToArray());
        Assert.Equal((ulong)1, (await store.LoadAsync())!.StoreVersion);
    }
}
