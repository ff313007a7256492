namespace Connectomics.Gpu.Weights;

/// <summary>What <see cref="StateDictLoader"/> did.</summary>
public sealed class StateDictLoadResult
{
    internal StateDictLoadResult(string checkpointPath, IReadOnlyList<string> loadedKeys, IReadOnlyList<string> ignoredKeys, IReadOnlyList<string> missingOptionalKeys, long bytesRead)
    {
        CheckpointPath = checkpointPath;
        LoadedKeys = loadedKeys;
        IgnoredKeys = ignoredKeys;
        MissingOptionalKeys = missingOptionalKeys;
        BytesRead = bytesRead;
    }

    /// <summary>Gets the path of the checkpoint that was loaded.</summary>
    public string CheckpointPath { get; }

    /// <summary>Gets the module keys that were loaded, in ordinal order.</summary>
    public IReadOnlyList<string> LoadedKeys { get; }

    /// <summary>Gets the checkpoint keys that were skipped by the ignore rules, in ordinal order.</summary>
    public IReadOnlyList<string> IgnoredKeys { get; }

    /// <summary>Gets the optional module keys the checkpoint lacked; those tensors were left as they were.</summary>
    public IReadOnlyList<string> MissingOptionalKeys { get; }

    /// <summary>Gets the number of checkpoint bytes read.</summary>
    public long BytesRead { get; }
}
