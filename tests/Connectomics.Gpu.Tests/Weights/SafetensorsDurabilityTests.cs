using Connectomics.Durability.Testing;
using Connectomics.Gpu.Weights;

namespace Connectomics.Gpu.Tests.Weights;

/// <summary>The file-system calls of safetensors writing, in order, and what a failed write leaves.</summary>
public sealed class SafetensorsDurabilityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_file_is_written_to_a_flushed_temporary_file_renamed_over_the_target_then_the_directory_is_flushed()
    {
        var fileSystem = new RecordingFileSystem();
        var path = _dir.File("model.safetensors");

        new SafetensorsWriter().Add("w", SafetensorsDType.U8, [2], new byte[] { 1, 2 }).WriteTo(path, fileSystem);

        var temp = fileSystem.Calls[0].Path;
        Assert.Matches(@"/\.model\.safetensors\.[0-9a-f]{32}\.tmp$", temp);
        Assert.Equal(
            [
                new RecordedCall(FileSystemCall.CreateNew, temp, null, true),
                new RecordedCall(FileSystemCall.FlushFile, temp, null, true),
                new RecordedCall(FileSystemCall.Rename, temp, path, true),
                new RecordedCall(FileSystemCall.FlushDirectory, _dir.Path, null, true),
            ],
            fileSystem.Calls);
        Assert.Equal(["model.safetensors"], _dir.Entries());
    }

    [Fact]
    public void Each_shard_is_on_storage_before_the_index_that_names_it_and_a_new_directory_is_flushed_into_its_parent()
    {
        var fileSystem = new RecordingFileSystem();
        var directory = _dir.File("checkpoint");
        var writer = new SafetensorsShardedWriter(maxShardSize: 4);
        writer.Add("a", SafetensorsDType.U8, [4], new byte[4]).Add("b", SafetensorsDType.U8, [4], new byte[4]);

        var index = writer.WriteTo(directory, "model", fileSystem);

        var calls = fileSystem.Calls;
        Assert.Equal(new RecordedCall(FileSystemCall.CreateDirectory, directory, null, true), calls[0]);
        Assert.Equal(new RecordedCall(FileSystemCall.FlushDirectory, _dir.Path, null, true), calls[1]);
        string[] published = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json"];
        Assert.Equal(2 + (4 * published.Length), calls.Count);
        for (var i = 0; i < published.Length; i++)
        {
            var temp = calls[2 + (4 * i)].Path;
            Assert.Equal(
                [
                    new RecordedCall(FileSystemCall.CreateNew, temp, null, true),
                    new RecordedCall(FileSystemCall.FlushFile, temp, null, true),
                    new RecordedCall(FileSystemCall.Rename, temp, Path.Combine(directory, published[i]), true),
                    new RecordedCall(FileSystemCall.FlushDirectory, directory, null, true),
                ],
                calls.Skip(2 + (4 * i)).Take(4));
        }

        Assert.Equal(Path.Combine(directory, published[^1]), index);
    }

    [Theory]
    [InlineData(FileSystemCall.FlushFile)]
    [InlineData(FileSystemCall.Rename)]
    public void A_failed_flush_or_rename_keeps_the_previous_file_and_leaves_no_temporary_file(FileSystemCall failing)
    {
        var path = _dir.File("model.safetensors");
        new SafetensorsWriter().Add("old", SafetensorsDType.U8, [1], new byte[] { 1 }).WriteTo(path);
        var before = File.ReadAllBytes(path);
        var fileSystem = new RecordingFileSystem((call, _) => call == failing);

        var error = Assert.Throws<IOException>(() => new SafetensorsWriter().Add("new", SafetensorsDType.U8, [1], new byte[] { 2 }).WriteTo(path, fileSystem));

        Assert.Contains("model.safetensors", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _dir.Entries());
        Assert.DoesNotContain(fileSystem.Calls, c => c.Call == FileSystemCall.FlushDirectory);
    }
}
