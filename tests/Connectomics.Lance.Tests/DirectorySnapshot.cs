using System.Security.Cryptography;

namespace Connectomics.Lance.Tests;

/// <summary>Every file under a directory with a hash of its bytes, to show that a failed command changed nothing.</summary>
internal static class DirectorySnapshot
{
    public static string[] Of(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetRelativePath(directory, f)} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))}")
            .Order(StringComparer.Ordinal)];
}
