namespace Connectomics.Durability.Testing;

/// <summary>
/// An <see cref="IDurableFileSystem"/> that makes every call for real (through
/// <see cref="OperatingSystemFileSystem.Instance"/>) and records it, in order; it can make a chosen call fail.
/// </summary>
internal sealed class RecordingFileSystem : IDurableFileSystem
{
    private readonly Lock _lock = new();
    private readonly List<RecordedCall> _calls = [];
    private readonly Func<FileSystemCall, string, bool>? _fail;

    /// <summary>Initializes a recorder.</summary>
    /// <param name="fail">
    /// Given a call and its path, true to throw an <see cref="IOException"/> instead of making it; null to make
    /// every call.
    /// </param>
    public RecordingFileSystem(Func<FileSystemCall, string, bool>? fail = null) => _fail = fail;

    /// <summary>Gets a copy of the calls made so far.</summary>
    public IReadOnlyList<RecordedCall> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Gets the calls as lines, for assertion messages.</summary>
    public string Trace => string.Join(Environment.NewLine, Calls);

    /// <summary>Gets the index of the first recorded call that matches, or -1.</summary>
    /// <param name="match">The condition.</param>
    /// <returns>The index.</returns>
    public int IndexOf(Func<RecordedCall, bool> match)
    {
        var calls = Calls;
        for (var i = 0; i < calls.Count; i++)
        {
            if (match(calls[i]))
            {
                return i;
            }
        }

        return -1;
    }

    public FileStream CreateNew(string path, int bufferSize, FileOptions options) =>
        Make(FileSystemCall.CreateNew, path, null, () => OperatingSystemFileSystem.Instance.CreateNew(path, bufferSize, options));

    public void FlushFile(FileStream file) =>
        Make(FileSystemCall.FlushFile, file.Name, null, () => OperatingSystemFileSystem.Instance.FlushFile(file));

    public void Rename(string source, string destination) =>
        Make(FileSystemCall.Rename, source, destination, () => OperatingSystemFileSystem.Instance.Rename(source, destination));

    public bool RenameNoReplace(string source, string destination)
    {
        CheckFault(FileSystemCall.RenameNoReplace, source, destination);
        bool renamed;
        try
        {
            renamed = OperatingSystemFileSystem.Instance.RenameNoReplace(source, destination);
        }
        catch
        {
            Record(FileSystemCall.RenameNoReplace, source, destination, false);
            throw;
        }

        Record(FileSystemCall.RenameNoReplace, source, destination, renamed);
        return renamed;
    }

    public void FlushDirectory(string directory) =>
        Make(FileSystemCall.FlushDirectory, directory, null, () => OperatingSystemFileSystem.Instance.FlushDirectory(directory));

    public void CreateDirectory(string directory) =>
        Make(FileSystemCall.CreateDirectory, directory, null, () => OperatingSystemFileSystem.Instance.CreateDirectory(directory));

    public void Delete(string path) =>
        Make(FileSystemCall.Delete, path, null, () => OperatingSystemFileSystem.Instance.Delete(path));

    private void Make(FileSystemCall call, string path, string? destination, Action action) =>
        Make(call, path, destination, () =>
        {
            action();
            return true;
        });

    private T Make<T>(FileSystemCall call, string path, string? destination, Func<T> action)
    {
        CheckFault(call, path, destination);
        T result;
        try
        {
            result = action();
        }
        catch
        {
            Record(call, path, destination, false);
            throw;
        }

        Record(call, path, destination, true);
        return result;
    }

    private void CheckFault(FileSystemCall call, string path, string? destination)
    {
        if (_fail?.Invoke(call, destination ?? path) == true)
        {
            Record(call, path, destination, false);
            throw new IOException($"Injected failure of {call} on '{destination ?? path}'.");
        }
    }

    private void Record(FileSystemCall call, string path, string? destination, bool succeeded)
    {
        lock (_lock)
        {
            _calls.Add(new RecordedCall(call, path, destination, succeeded));
        }
    }
}
