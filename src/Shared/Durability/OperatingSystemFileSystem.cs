using System.Globalization;
using System.Runtime.InteropServices;

namespace Connectomics.Durability;

/// <summary>
/// The <see cref="IDurableFileSystem"/> of the operating system. Files are flushed with <c>fsync</c>
/// (<see cref="FileStream.Flush(bool)"/>). On Linux, directories are opened read-only and <c>fsync</c>ed, and a
/// rename that must not replace is <c>renameat2(RENAME_NOREPLACE)</c>, or <c>link</c> then <c>unlink</c> on file
/// systems without it; a check-then-rename, which lets two writers both "win", is never used.
/// </summary>
/// <remarks>
/// Elsewhere, flushing a directory does nothing (.NET gives no portable way to, and Windows' NTFS journals
/// renames), and a rename that must not replace is <see cref="File.Move(string, string, bool)"/> without overwriting.
/// A file system that cannot flush directories (<c>EINVAL</c>) is accepted, as there is nothing more to do on it.
/// </remarks>
internal sealed partial class OperatingSystemFileSystem : IDurableFileSystem
{
    private const int ReadOnly = 0; // O_RDONLY; O_DIRECTORY differs between architectures, and fsync needs no more
    private const int AtCurrentDirectory = -100;
    private const uint RenameNoReplaceFlag = 1;
    private const int Interrupted = 4; // EINTR
    private const int AlreadyExists = 17; // EEXIST
    private const int InvalidArgument = 22; // EINVAL
    private const int NotImplemented = 38; // ENOSYS
    private const int NotSupported = 95; // EOPNOTSUPP

    private OperatingSystemFileSystem()
    {
    }

    /// <summary>Gets the one instance.</summary>
    public static OperatingSystemFileSystem Instance { get; } = new();

    /// <inheritdoc/>
    public FileStream CreateNew(string path, int bufferSize, FileOptions options) =>
        new(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = bufferSize,
            Options = options,
        });

    /// <inheritdoc/>
    public void FlushFile(FileStream file)
    {
        ArgumentNullException.ThrowIfNull(file);
        try
        {
            file.Flush(flushToDisk: true);
        }
        catch (IOException error)
        {
            throw new IOException($"Cannot flush '{file.Name}' to storage: {error.Message}", error);
        }
    }

    /// <inheritdoc/>
    public void Rename(string source, string destination) => File.Move(source, destination, overwrite: true);

    /// <inheritdoc/>
    public bool RenameNoReplace(string source, string destination)
    {
        if (!OperatingSystem.IsLinux())
        {
            try
            {
                File.Move(source, destination, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(destination) && File.Exists(source))
            {
                return false;
            }
        }

        int error;
        try
        {
            if (RenameAt2(AtCurrentDirectory, source, AtCurrentDirectory, destination, RenameNoReplaceFlag) == 0)
            {
                return true;
            }

            error = Marshal.GetLastPInvokeError();
        }
        catch (EntryPointNotFoundException)
        {
            error = NotImplemented; // glibc before 2.28
        }

        if (error is InvalidArgument or NotImplemented or NotSupported)
        {
            // The file system cannot rename without replacing: a hard link fails if the name exists.
            if (Link(source, destination) == 0)
            {
                File.Delete(source);
                return true;
            }

            error = Marshal.GetLastPInvokeError();
        }

        return error == AlreadyExists
            ? false
            : throw new IOException(string.Create(CultureInfo.InvariantCulture, $"Cannot move '{source}' to '{destination}': {Marshal.GetPInvokeErrorMessage(error)} (errno {error})."));
    }

    /// <inheritdoc/>
    public void FlushDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var descriptor = Open(directory, ReadOnly);
        if (descriptor < 0)
        {
            var openError = Marshal.GetLastPInvokeError();
            throw new IOException(string.Create(CultureInfo.InvariantCulture, $"Cannot open directory '{directory}' to flush it: {Marshal.GetPInvokeErrorMessage(openError)} (errno {openError})."));
        }

        try
        {
            int result;
            int error;
            do
            {
                result = FileSync(descriptor);
                error = result == 0 ? 0 : Marshal.GetLastPInvokeError();
            }
            while (result != 0 && error == Interrupted);

            if (result != 0 && error != InvalidArgument)
            {
                throw new IOException(string.Create(CultureInfo.InvariantCulture, $"Cannot flush directory '{directory}': {Marshal.GetPInvokeErrorMessage(error)} (errno {error})."));
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    /// <inheritdoc/>
    public void CreateDirectory(string directory) => Directory.CreateDirectory(directory);

    /// <inheritdoc/>
    public void Delete(string path) => File.Delete(path);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FileSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
