namespace Connectomics.Gpu.Weights;

/// <summary>Where one tensor of a checkpoint lives: the (shard) file that holds it and its entry in that file.</summary>
internal sealed class SafetensorsCheckpointEntry
{
    internal SafetensorsCheckpointEntry(SafetensorsFile file, SafetensorsTensorInfo info)
    {
        File = file;
        Info = info;
    }

    /// <summary>Gets the tensor name.</summary>
    public string Name => Info.Name;

    /// <summary>Gets the open file that holds the tensor; owned by the checkpoint.</summary>
    public SafetensorsFile File { get; }

    /// <summary>Gets the tensor's entry in <see cref="File"/>.</summary>
    public SafetensorsTensorInfo Info { get; }

    /// <summary>Returns the tensor entry and the file name.</summary>
    /// <returns>A short description.</returns>
    public override string ToString() => $"{Info} in {System.IO.Path.GetFileName(File.Path)}";
}
