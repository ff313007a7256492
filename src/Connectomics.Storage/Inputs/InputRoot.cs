namespace Connectomics.Storage.Inputs;

/// <summary>
/// The directory that the keys of an input's work units are relative to: the deepest directory that contains every
/// resolved file. Keys are relative paths with <c>/</c> separators, so the same files under another mount point
/// (another node, another pod) give the same keys.
/// </summary>
internal sealed class InputRoot
{
    private InputRoot(string directory) => Directory = directory;

    /// <summary>Gets the full path of the root directory.</summary>
    public string Directory { get; }

    /// <summary>Finds the deepest directory that contains every file.</summary>
    /// <param name="files">Full paths of files; at least one.</param>
    /// <returns>The root.</returns>
    public static InputRoot Of(IReadOnlyList<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 0)
        {
            throw new ArgumentException("An input root needs at least one file.", nameof(files));
        }

        var common = Segments(Path.GetDirectoryName(files[0])!);
        var length = common.Length;
        for (var i = 1; i < files.Count && length > 0; i++)
        {
            var segments = Segments(Path.GetDirectoryName(files[i])!);
            var shared = 0;
            while (shared < length && shared < segments.Length && string.Equals(segments[shared], common[shared], StringComparison.Ordinal))
            {
                shared++;
            }

            length = shared;
        }

        var root = Path.GetPathRoot(files[0]) ?? "/";
        return new InputRoot(Path.Combine([root, .. common.Take(length)]));
    }

    /// <summary>Gets a file's path relative to the root, with <c>/</c> separators.</summary>
    /// <param name="file">A full path below the root.</param>
    /// <returns>The relative path.</returns>
    public string RelativePath(string file) => Path.GetRelativePath(Directory, file).Replace('\\', '/');

    private static string[] Segments(string directory)
    {
        var root = Path.GetPathRoot(directory) ?? string.Empty;
        return directory[root.Length..].Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
    }
}
