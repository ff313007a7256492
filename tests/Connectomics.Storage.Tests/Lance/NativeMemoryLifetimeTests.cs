using Connectomics.Durability;
using Connectomics.Storage.Lance;

namespace Connectomics.Storage.Tests.Lance;

/// <summary>
/// Arrow's native buffers are freed by the finalizer of the array that owns them, and a <see cref="ReadOnlyMemory{T}"/>
/// taken from such a buffer does not keep that array alive. A data file writer that concatenates a page's batches
/// must therefore hold the concatenated array until the page's bytes are written: these tests collect garbage and run
/// the finalizers before every write to a data file, when a dropped array would be freed.
/// </summary>
public sealed class NativeMemoryLifetimeTests : IDisposable
{
    private readonly TempDirectory _root = new("connectomics-lance-lifetime");

    public void Dispose() => _root.Dispose();

    [Theory]
    [InlineData(LanceDataStorageVersion.V2_0)]
    [InlineData(LanceDataStorageVersion.V2_1)]
    public async Task Pages_concatenated_from_several_batches_are_written_from_live_memory(LanceDataStorageVersion version)
    {
        var path = Path.Combine(_root.Path, "wide.lance");
        var all = SampleBatches.Wide(0, 2500, 16);
        var options = new LanceWriteOptions { DataStorageVersion = version, MaxRowsPerFragment = 1000, FileSystem = new CollectingFileSystem() };
        await using (var writer = await LanceTableWriter.OpenAsync(path, all.Schema, options))
        {
            // 700 + 300 rows make the first page: its nullable scalar columns are concatenated from two batches.
            await writer.WriteAsync(all.Slice(0, 700));
            await writer.WriteAsync(all.Slice(700, 1800));
            await writer.CompleteAsync();
        }

        var table = await LanceTable.OpenAsync(path);
        LanceTableRoundTripTests.AssertSameRows(all, await LanceTableRoundTripTests.ReadAll(table));
    }

    /// <summary>Creates files whose writes first collect garbage and wait for the finalizers.</summary>
    private sealed class CollectingFileSystem : IDurableFileSystem
    {
        private readonly IDurableFileSystem _inner = OperatingSystemFileSystem.Instance;

        public FileStream CreateNew(string path, int bufferSize, FileOptions options) =>
            new CollectingFileStream(path, bufferSize, options);

        public void FlushFile(FileStream file) => _inner.FlushFile(file);

        public void Rename(string source, string destination) => _inner.Rename(source, destination);

        public bool RenameNoReplace(string source, string destination) => _inner.RenameNoReplace(source, destination);

        public void FlushDirectory(string directory) => _inner.FlushDirectory(directory);

        public void CreateDirectory(string directory) => _inner.CreateDirectory(directory);

        public void Delete(string path) => _inner.Delete(path);
    }

    private sealed class CollectingFileStream(string path, int bufferSize, FileOptions options)
        : FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize, options)
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
