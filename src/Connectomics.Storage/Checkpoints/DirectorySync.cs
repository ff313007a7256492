using System.Runtime.InteropServices;

namespace Connectomics.Storage.Checkpoints;

/// <summary>
/// Makes a directory's entries (files created, renamed or removed in it) durable.
/// </summary>
/// <remarks>
/// On Linux, <c>rename</c> is atomic but only becomes durable once the directory itself is flushed: the directory is
/// opened read-only and <c>fsync</c>ed. A file system that cannot flush directories (<c>EINVAL</c>) is accepted, as
/// there is nothing more to do on it. On other systems this does nothing: .NET gives no portable way to flush a
/// directory, and Windows' NTFS journals renames.
/// </remarks>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;
    private const int InvalidArgument = 22;
    private const int Interrupted = 4;

    /// <summary>Flushes a directory's entries to storage, on Linux.</summary>
    /// <param name="directory">The directory.</param>
    /// <exception cref="IOException">The directory cannot be opened or flushed.</exception>
    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var descriptor = Open(directory, ReadOnly);
        if (descriptor < 0)
        {
            var openError = Marshal.GetLastPInvokeError();
            throw new IOException($"Cannot open directory '{directory}' to flush it: {Marshal.GetPInvokeErrorMessage(openError)} (errno {openError}).");
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
                throw new IOException($"Cannot flush directory '{directory}': {Marshal.GetPInvokeErrorMessage(error)} (errno {error}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FileSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
