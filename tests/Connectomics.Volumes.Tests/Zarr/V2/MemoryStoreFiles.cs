using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Tests.Zarr.V2;

/// <summary>Copies a memory store's values to files (key = relative path), for other programs to read.</summary>
internal static class MemoryStoreFiles
{
    public static async Task ExportAsync(MemoryStore store, string directory)
    {
        await foreach (var key in store.ListAsync(""))
        {
            var path = Path.Combine(directory, key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, (await store.GetAsync(key))!);
        }
    }
}
