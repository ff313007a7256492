namespace Connectomics.Durability.Testing;

/// <summary>The calls of <see cref="IDurableFileSystem"/>.</summary>
public enum FileSystemCall
{
    CreateNew,
    FlushFile,
    Rename,
    RenameNoReplace,
    FlushDirectory,
    CreateDirectory,
    Delete,
}
