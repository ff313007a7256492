namespace Connectomics.Durability;

/// <summary>
/// Writes files so that they survive a crash or power loss whole or not at all: the bytes go to a temporary file in
/// the target's directory, which is flushed to storage (<c>fsync</c>), published under its final name by a rename
/// (which replaces an existing file) or a rename that never replaces one, after which the directory is flushed so
/// that the new name is durable too. Directories are created with their new entries flushed into their parents.
/// </summary>
/// <remarks>
/// Every call goes through an <see cref="IDurableFileSystem"/>. A failure removes the temporary file and leaves any
/// existing file of the final name as it was. Errors are <see cref="IOException"/>s that name the file.
/// </remarks>
internal static class DurableFile
{
    private const int DefaultBufferSize = 1 << 16;

    /// <summary>Gets a unique hidden temporary name next to a file: <c>.{name}.{guid}.tmp</c> in its directory.</summary>
    /// <param name="path">The file the temporary file will be published as.</param>
    /// <returns>The full path of the temporary file.</returns>
    public static string TempPathFor(string path)
    {
        var fullPath = Path.GetFullPath(path);
        return Path.Combine(DirectoryOf(fullPath), $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>Creates a temporary file, writes it through <paramref name="write"/> and flushes it to storage.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="tempPath">The temporary file; it must not exist.</param>
    /// <param name="write">Writes the content.</param>
    /// <param name="bufferSize">The size of the stream's buffer, in bytes.</param>
    /// <exception cref="IOException">The file cannot be created, written or flushed; the temporary file is removed.</exception>
    public static void WriteTemp(IDurableFileSystem fileSystem, string tempPath, Action<FileStream> write, int bufferSize = DefaultBufferSize)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentNullException.ThrowIfNull(write);
        var stream = fileSystem.CreateNew(tempPath, bufferSize, FileOptions.None);
        try
        {
            using (stream)
            {
                write(stream);
                fileSystem.FlushFile(stream);
            }
        }
        catch
        {
            DeleteQuietly(fileSystem, tempPath);
            throw;
        }
    }

    /// <summary>Creates a temporary file, writes <paramref name="bytes"/> to it and flushes it to storage.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="tempPath">The temporary file; it must not exist.</param>
    /// <param name="bytes">The content.</param>
    /// <param name="cancellationToken">Cancels the write; the temporary file is removed.</param>
    /// <returns>A task that completes when the file is on storage.</returns>
    /// <exception cref="IOException">The file cannot be created, written or flushed; the temporary file is removed.</exception>
    public static async Task WriteTempAsync(IDurableFileSystem fileSystem, string tempPath, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        var stream = fileSystem.CreateNew(tempPath, DefaultBufferSize, FileOptions.Asynchronous);
        try
        {
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
                fileSystem.FlushFile(stream);
            }
        }
        catch
        {
            DeleteQuietly(fileSystem, tempPath);
            throw;
        }
    }

    /// <summary>Flushes a complete file, written by code that does not hand out its stream, to storage.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="path">The file.</param>
    /// <exception cref="IOException">The file cannot be opened or flushed.</exception>
    public static void FlushExisting(IDurableFileSystem fileSystem, string path)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        fileSystem.FlushFile(stream);
    }

    /// <summary>
    /// Publishes a flushed temporary file as <paramref name="path"/>, replacing any file of that name, then flushes the
    /// directory.
    /// </summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="tempPath">The flushed temporary file, in the directory of <paramref name="path"/>.</param>
    /// <param name="path">The final name.</param>
    /// <exception cref="ArgumentException">The two files are not in the same directory.</exception>
    /// <exception cref="IOException">
    /// The rename failed (the temporary file is removed and <paramref name="path"/> is unchanged), or the directory
    /// cannot be flushed (the file is published, but may not survive a power loss).
    /// </exception>
    public static void Publish(IDurableFileSystem fileSystem, string tempPath, string path)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        var directory = SameDirectory(tempPath, path);
        try
        {
            fileSystem.Rename(tempPath, path);
        }
        catch
        {
            DeleteQuietly(fileSystem, tempPath);
            throw;
        }

        fileSystem.FlushDirectory(directory);
    }

    /// <summary>
    /// Publishes a flushed temporary file as <paramref name="path"/> only if no file of that name exists, atomically,
    /// then flushes the directory. An existing file is never replaced.
    /// </summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="tempPath">The flushed temporary file, in the directory of <paramref name="path"/>.</param>
    /// <param name="path">The final name.</param>
    /// <param name="renamed">Called once the file has its final name, before the directory is flushed; null for nothing.</param>
    /// <returns>True when published; false when <paramref name="path"/> already exists (the temporary file is removed).</returns>
    /// <exception cref="ArgumentException">The two files are not in the same directory.</exception>
    /// <exception cref="IOException">
    /// The rename failed for another reason (the temporary file is removed), or the directory cannot be flushed (the
    /// file is published, but may not survive a power loss).
    /// </exception>
    public static bool TryPublishNew(IDurableFileSystem fileSystem, string tempPath, string path, Action? renamed = null)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        var directory = SameDirectory(tempPath, path);
        bool published;
        try
        {
            published = fileSystem.RenameNoReplace(tempPath, path);
        }
        catch
        {
            DeleteQuietly(fileSystem, tempPath);
            throw;
        }

        if (!published)
        {
            DeleteQuietly(fileSystem, tempPath);
            return false;
        }

        renamed?.Invoke();
        fileSystem.FlushDirectory(directory);
        return true;
    }

    /// <summary>Writes <paramref name="path"/> durably through a temporary file, replacing any file of that name.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="path">The final name.</param>
    /// <param name="tempPath">The temporary file, in the same directory; it must not exist.</param>
    /// <param name="bytes">The content.</param>
    /// <param name="cancellationToken">Cancels the write before the file is published.</param>
    /// <returns>A task that completes when the file and its name are on storage.</returns>
    /// <exception cref="IOException">See <see cref="WriteTempAsync"/> and <see cref="Publish"/>.</exception>
    public static async Task WriteAsync(IDurableFileSystem fileSystem, string path, string tempPath, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        _ = SameDirectory(tempPath, path);
        await WriteTempAsync(fileSystem, tempPath, bytes, cancellationToken).ConfigureAwait(false);
        Publish(fileSystem, tempPath, path);
    }

    /// <summary>Writes <paramref name="path"/> durably through a temporary file, unless a file of that name exists.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="path">The final name.</param>
    /// <param name="tempPath">The temporary file, in the same directory; it must not exist.</param>
    /// <param name="bytes">The content.</param>
    /// <param name="cancellationToken">Cancels the write before the file is published.</param>
    /// <returns>True when published; false when <paramref name="path"/> already exists (and is left as it was).</returns>
    /// <exception cref="IOException">See <see cref="WriteTempAsync"/> and <see cref="TryPublishNew"/>.</exception>
    public static async Task<bool> TryWriteNewAsync(IDurableFileSystem fileSystem, string path, string tempPath, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        _ = SameDirectory(tempPath, path);
        await WriteTempAsync(fileSystem, tempPath, bytes, cancellationToken).ConfigureAwait(false);
        return TryPublishNew(fileSystem, tempPath, path);
    }

    /// <summary>
    /// Creates a directory and any missing parents. Each new directory's entry is flushed into its parent, so that a
    /// file published in it later cannot be lost with the directory.
    /// </summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="directory">The directory.</param>
    /// <exception cref="IOException">A directory cannot be created or flushed.</exception>
    public static void CreateDirectory(IDurableFileSystem fileSystem, string directory)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var missing = new Stack<string>();
        for (var current = Path.GetFullPath(directory); current is not null && !Directory.Exists(current); current = Path.GetDirectoryName(current))
        {
            missing.Push(current);
        }

        while (missing.TryPop(out var created))
        {
            fileSystem.CreateDirectory(created);
            fileSystem.FlushDirectory(DirectoryOf(created));
        }
    }

    /// <summary>Removes a temporary file, ignoring failures: the original outcome matters more than a leftover.</summary>
    /// <param name="fileSystem">The file system.</param>
    /// <param name="path">The file.</param>
    public static void DeleteQuietly(IDurableFileSystem fileSystem, string path)
    {
        ArgumentNullException.ThrowIfNull(fileSystem);
        try
        {
            fileSystem.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string SameDirectory(string tempPath, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(tempPath);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = DirectoryOf(Path.GetFullPath(path));
        var tempDirectory = DirectoryOf(Path.GetFullPath(tempPath));
        if (!string.Equals(directory, tempDirectory, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The temporary file '{tempPath}' is not in the directory of '{path}'; a rename is atomic only within one directory.", nameof(tempPath));
        }

        return directory;
    }

    private static string DirectoryOf(string fullPath) =>
        Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{fullPath}' names no file.", nameof(fullPath));
}
