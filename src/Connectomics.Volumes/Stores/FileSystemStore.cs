using System.Runtime.CompilerServices;
using Connectomics.Durability;
using Microsoft.Win32.SafeHandles;

namespace Connectomics.Volumes.Stores;

/// <summary>
/// A store in a directory: each key is a file under the root, its <c>/</c>-separated segments the directories above it
/// (<c>s0/0.0.0</c> is <c>{root}/s0/0.0.0</c>), the layout zarr-python's directory store, TensorStore and CloudVolume
/// use.
/// </summary>
/// <remarks>
/// <para>Writes are atomic and durable: the value goes to a hidden temporary file next to its final name, which is
/// flushed to storage, renamed over the final name, and the directory flushed; missing directories are created with
/// their entries flushed. A reader therefore sees the old value or the new one whole, and a crash leaves no torn value,
/// at most a temporary file (<c>.{name}.{guid}.tmp</c>) that listings skip.</para>
/// <para>Range reads read only the bytes asked for. A missing file (or a key that names a directory) reads as
/// <see langword="null"/>; other failures surface as <see cref="IOException"/>s that name the file.</para>
/// </remarks>
public sealed class FileSystemStore : IKeyValueStore
{
    private const string TempSuffix = ".tmp";
    private const int TempGuidLength = 32;

    private readonly string _root;
    private readonly string _rootWithSeparator;

    /// <summary>Initializes a new instance over a directory; it need not exist until the first write.</summary>
    /// <param name="rootDirectory">The directory that holds the values.</param>
    /// <exception cref="ArgumentException"><paramref name="rootDirectory"/> is empty or not a valid path.</exception>
    public FileSystemStore(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
        _rootWithSeparator = _root.EndsWith(Path.DirectorySeparatorChar) ? _root : _root + Path.DirectorySeparatorChar;
    }

    /// <inheritdoc/>
    public string Location => _root;

    /// <inheritdoc/>
    public bool IsReadOnly => false;

    /// <summary>Gets the file that holds a key's value.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The file's full path (which need not exist).</returns>
    /// <exception cref="ArgumentException">The key is not a valid store key.</exception>
    public string PathOf(string key)
    {
        StoreKey.Validate(key);
        var path = Path.GetFullPath(Path.Combine(_root, key.Replace('/', Path.DirectorySeparatorChar)));
        if (!path.StartsWith(_rootWithSeparator, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{key}' names a file outside the store '{_root}'.", nameof(key));
        }

        return path;
    }

    /// <inheritdoc/>
    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        cancellationToken.ThrowIfCancellationRequested();
        using var handle = OpenForReading(path);
        if (handle is null)
        {
            return null;
        }

        try
        {
            var length = RandomAccess.GetLength(handle);
            if (length > Array.MaxLength)
            {
                throw new IOException($"'{path}' holds {length} bytes, more than one value can hold.");
            }

            var buffer = GC.AllocateUninitializedArray<byte>((int)length);
            await ReadExactlyAsync(handle, path, buffer, 0, cancellationToken).ConfigureAwait(false);
            return buffer;
        }
        catch (IOException error) when (error is not EndOfStreamException && !error.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new IOException($"Cannot read '{path}': {error.Message}", error);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<byte[]?> GetRangeAsync(string key, ByteRange range, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        cancellationToken.ThrowIfCancellationRequested();
        using var handle = OpenForReading(path);
        if (handle is null)
        {
            return null;
        }

        try
        {
            var (start, length) = range.Resolve(RandomAccess.GetLength(handle));
            if (length > Array.MaxLength)
            {
                throw new IOException($"The {range} of '{path}' are more than one value can hold.");
            }

            var buffer = GC.AllocateUninitializedArray<byte>((int)length);
            await ReadExactlyAsync(handle, path, buffer, start, cancellationToken).ConfigureAwait(false);
            return buffer;
        }
        catch (IOException error) when (error is not EndOfStreamException && !error.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new IOException($"Cannot read '{path}': {error.Message}", error);
        }
    }

    /// <inheritdoc/>
    public async ValueTask PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        cancellationToken.ThrowIfCancellationRequested();
        var directory = Path.GetDirectoryName(path)!;
        try
        {
            if (!Directory.Exists(directory))
            {
                DurableFile.CreateDirectory(OperatingSystemFileSystem.Instance, directory);
            }

            await DurableFile.WriteAsync(OperatingSystemFileSystem.Instance, path, DurableFile.TempPathFor(path), value, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException error) when (!error.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new IOException($"Cannot write '{path}': {error.Message}", error);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        cancellationToken.ThrowIfCancellationRequested();
        if (!File.Exists(path))
        {
            return ValueTask.FromResult(false);
        }

        try
        {
            File.Delete(path);
            OperatingSystemFileSystem.Instance.FlushDirectory(Path.GetDirectoryName(path)!);
        }
        catch (IOException error) when (!error.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new IOException($"Cannot remove '{path}': {error.Message}", error);
        }

        return ValueTask.FromResult(true);
    }

    /// <inheritdoc/>
    /// <remarks>The keys are gathered from the deepest directory the prefix names, then sorted; temporary files of
    /// writes in progress (or cut short) are skipped.</remarks>
    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var lastSlash = prefix.LastIndexOf('/');
        var directoryKey = lastSlash < 0 ? string.Empty : prefix[..lastSlash];
        string directory;
        if (directoryKey.Length == 0)
        {
            directory = _root;
        }
        else
        {
            try
            {
                directory = PathOf(directoryKey);
            }
            catch (ArgumentException)
            {
                yield break; // no key can start with a prefix whose directory part is not a key
            }
        }

        var keys = new List<string>();
        if (Directory.Exists(directory))
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = 0, ReturnSpecialDirectories = false };
            foreach (var file in Directory.EnumerateFiles(directory, "*", options))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (IsTempFile(Path.GetFileName(file.AsSpan())))
                {
                    continue;
                }

                var key = file[_rootWithSeparator.Length..];
                if (Path.DirectorySeparatorChar != '/')
                {
                    key = key.Replace(Path.DirectorySeparatorChar, '/');
                }

                if (key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    keys.Add(key);
                }
            }
        }

        keys.Sort(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <summary>Gets whether a file name is one of <see cref="DurableFile.TempPathFor"/>'s: <c>.{name}.{32 hex digits}.tmp</c>.</summary>
    private static bool IsTempFile(ReadOnlySpan<char> name)
    {
        if (name.Length < 1 + 1 + TempGuidLength + TempSuffix.Length || name[0] != '.' || !name.EndsWith(TempSuffix, StringComparison.Ordinal))
        {
            return false;
        }

        var guid = name[..^TempSuffix.Length][^TempGuidLength..];
        return name[^(TempSuffix.Length + TempGuidLength + 1)] == '.' && !guid.ContainsAnyExcept("0123456789abcdef");
    }

    private static SafeFileHandle? OpenForReading(string path)
    {
        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            return null; // a directory holds no value
        }
        catch (IOException error) when (!error.Message.Contains(path, StringComparison.Ordinal))
        {
            throw new IOException($"Cannot open '{path}': {error.Message}", error);
        }
    }

    private static async ValueTask ReadExactlyAsync(SafeFileHandle handle, string path, byte[] buffer, long offset, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var count = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read), offset + read, cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                throw new IOException($"'{path}' ended after {offset + read} bytes while {buffer.Length - read} more were being read: it was truncated during the read.");
            }

            read += count;
        }
    }
}
