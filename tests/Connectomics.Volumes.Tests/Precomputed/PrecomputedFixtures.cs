using System.Text.Json;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Tests.Precomputed;

/// <summary>The precomputed volumes tools/fixtures/generate_precomputed_fixtures.py wrote from the published spec.</summary>
internal static class PrecomputedFixtures
{
    public static string Root { get; } = Path.Combine(RepositoryRoot.Path, "tests", "fixtures", "volumes", "precomputed");

    public static string Directory(string volume) => Path.Combine(Root, volume);

    /// <summary>Loads a fixture volume's files into a memory store (keys relative to the volume folder).</summary>
    public static async Task<MemoryStore> LoadAsync(string volume)
    {
        var root = Directory(volume);
        var store = new MemoryStore($"fixture:{volume}");
        foreach (var file in System.IO.Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var key = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (!key.EndsWith(".npy", StringComparison.Ordinal))
            {
                await store.PutAsync(key, await File.ReadAllBytesAsync(file));
            }
        }

        return store;
    }

    public static NpyFile Truth(string volume, string scale) => NpyFile.Read(Path.Combine(Directory(volume), $"{scale}.truth.npy"));

    /// <summary>Gets a list the manifest records for a scale: <c>missing</c>, <c>gz</c> or <c>other_width</c> chunk keys.</summary>
    public static string[] Listed(string volume, string scale, string list)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Root, "manifest.json")));
        return [.. manifest.RootElement.GetProperty(volume).GetProperty("scales").GetProperty(scale).GetProperty(list).EnumerateArray().Select(item => item.GetString()!)];
    }
}
