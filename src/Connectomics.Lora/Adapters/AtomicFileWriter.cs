using Connectomics.Durability;

namespace Connectomics.Lora.Adapters;

/// <summary>Writes a file through a flushed temporary sibling that is renamed over the target once complete
/// (<see cref="DurableFile"/>): readers never see a half-written file and a failure leaves the old one intact.</summary>
internal static class AtomicFileWriter
{
    private const int BufferSize = 1 << 20;

    /// <summary>Writes <paramref name="path"/> durably; missing directories are created.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the content.</param>
    public static void Write(string path, Action<Stream> write)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        var fileSystem = OperatingSystemFileSystem.Instance;
        DurableFile.CreateDirectory(fileSystem, directory);
        var temporary = DurableFile.TempPathFor(fullPath);
        DurableFile.WriteTemp(fileSystem, temporary, stream => write(stream), BufferSize);
        DurableFile.Publish(fileSystem, temporary, fullPath);
    }
}
