using Connectomics.Durability;

namespace Connectomics.Gpu.Weights;

/// <summary>
/// Writes a file through a temporary sibling that is flushed to storage and renamed over the target only once it is
/// complete, after which the directory is flushed (<see cref="DurableFile"/>). Readers never see a half-written file,
/// a failure leaves any previous file untouched, and a written file survives a power loss.
/// </summary>
internal static class AtomicFile
{
    private const int BufferSize = 1 << 20;

    /// <summary>Writes <paramref name="path"/> durably; missing directories are created.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the content.</param>
    /// <param name="fileSystem">Creates, flushes and renames the files.</param>
    internal static void Write(string path, Action<FileStream> write, IDurableFileSystem fileSystem)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        DurableFile.CreateDirectory(fileSystem, directory);
        var temporary = DurableFile.TempPathFor(fullPath);
        DurableFile.WriteTemp(fileSystem, temporary, write, BufferSize);
        DurableFile.Publish(fileSystem, temporary, fullPath);
    }
}
