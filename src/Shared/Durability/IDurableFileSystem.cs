namespace Connectomics.Durability;

/// <summary>
/// The file-system calls a durable write is made of: create and write a temporary file, flush it to storage, publish
/// it under its final name by a rename that replaces or one that never does, flush the directory, create directories
/// and remove temporary files.
/// </summary>
/// <remarks>
/// <see cref="DurableFile"/> makes its calls through this interface so that the order of the calls can be checked;
/// <see cref="OperatingSystemFileSystem.Instance"/> makes them for real. Every path is a full path.
/// </remarks>
internal interface IDurableFileSystem
{
    /// <summary>Creates a new file for writing; fails if the name exists.</summary>
    /// <param name="path">The file to create.</param>
    /// <param name="bufferSize">The size of the stream's buffer, in bytes.</param>
    /// <param name="options">The options of the stream, for example <see cref="FileOptions.Asynchronous"/>.</param>
    /// <returns>The stream, open for writing only.</returns>
    /// <exception cref="IOException">The file exists or cannot be created.</exception>
    FileStream CreateNew(string path, int bufferSize, FileOptions options);

    /// <summary>Writes a file's buffered bytes and flushes its content to storage (<c>fsync</c>).</summary>
    /// <param name="file">The file, open for writing.</param>
    /// <exception cref="IOException">The file cannot be flushed; the message names it.</exception>
    void FlushFile(FileStream file);

    /// <summary>Renames a file, atomically replacing any file of the new name.</summary>
    /// <param name="source">The file to rename.</param>
    /// <param name="destination">The new name, in the same directory.</param>
    /// <exception cref="IOException">The rename failed; the message names both files.</exception>
    void Rename(string source, string destination);

    /// <summary>
    /// Renames a file to a name that must not exist yet, atomically: of several callers publishing the same name at
    /// once, exactly one succeeds. An existing file of that name is never replaced.
    /// </summary>
    /// <param name="source">The file to rename.</param>
    /// <param name="destination">The new name, in the same directory.</param>
    /// <returns>True when renamed; false when <paramref name="destination"/> already exists (the source is left in place).</returns>
    /// <exception cref="IOException">The rename failed for another reason; the message names both files.</exception>
    bool RenameNoReplace(string source, string destination);

    /// <summary>Flushes a directory's entries (files created, renamed or removed in it) to storage.</summary>
    /// <param name="directory">The directory.</param>
    /// <exception cref="IOException">The directory cannot be opened or flushed; the message names it.</exception>
    void FlushDirectory(string directory);

    /// <summary>Creates one directory whose parent exists; nothing happens if it exists already.</summary>
    /// <param name="directory">The directory.</param>
    /// <exception cref="IOException">The directory cannot be created.</exception>
    void CreateDirectory(string directory);

    /// <summary>Removes a file; nothing happens if it does not exist.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="IOException">The file cannot be removed.</exception>
    void Delete(string path);
}
