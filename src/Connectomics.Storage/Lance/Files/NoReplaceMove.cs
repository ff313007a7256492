using System.Globalization;
using System.Runtime.InteropServices;

namespace Connectomics.Storage.Lance.Files;

/// <summary>
/// Moves a file to a name that must not exist yet, atomically: of several writers publishing the same name at once,
/// exactly one succeeds. On Linux this is <c>renameat2(RENAME_NOREPLACE)</c>, or <c>link</c> then <c>unlink</c> on
/// file systems without it; a check-then-rename, which lets two writers both "win", is never used.
/// </summary>
internal static partial class NoReplaceMove
{
    private const int AtCurrentDirectory = -100;
    private const uint RenameNoReplace = 1;
    private const int AlreadyExists = 17; // EEXIST
    private const int InvalidArgument = 22; // EINVAL
    private const int NotImplemented = 38; // ENOSYS
    private const int NotSupported = 95; // EOPNOTSUPP

    /// <summary>Moves <paramref name="source"/> to <paramref name="destination"/> unless the destination exists.</summary>
    /// <param name="source">The file to move.</param>
    /// <param name="destination">The new name, which must not exist.</param>
    /// <exception cref="IOException">The destination exists (the source is left in place), or the move failed.</exception>
    public static void Move(string source, string destination)
    {
        if (!OperatingSystem.IsLinux())
        {
            File.Move(source, destination, overwrite: false);
            return;
        }

        int error;
        try
        {
            if (RenameAt2(AtCurrentDirectory, source, AtCurrentDirectory, destination, RenameNoReplace) == 0)
            {
                return;
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
                return;
            }

            error = Marshal.GetLastPInvokeError();
        }

        throw error == AlreadyExists
            ? new IOException($"'{destination}' already exists.")
            : new IOException(string.Create(CultureInfo.InvariantCulture, $"Cannot move '{source}' to '{destination}': {Marshal.GetPInvokeErrorMessage(error)} (errno {error})."));
    }

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string oldPath, string newPath);
}
