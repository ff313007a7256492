using System.Security.Cryptography;

namespace Connectomics.Testing;

/// <summary>SHA-256 digests of files, to check that output was (or was not) rewritten.</summary>
public static class FileHashes
{
    /// <summary>Gets the SHA-256 of a file, in hex.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The digest.</returns>
    public static string Of(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Gets the SHA-256 of every file under a directory, by relative path; empty when the directory does not exist.</summary>
    /// <param name="directory">The directory.</param>
    /// <returns>The digests.</returns>
    public static SortedDictionary<string, string> OfDirectory(string directory)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(directory))
        {
            return hashes;
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            hashes[Path.GetRelativePath(directory, file)] = Of(file);
        }

        return hashes;
    }
}
