using System.Text.Json;
using System.Text.Json.Nodes;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Zarr.V2;

/// <summary>
/// The consolidated metadata of a Zarr v2 hierarchy: one <c>.zmetadata</c> file at a group that holds the
/// <c>.zgroup</c>, <c>.zarray</c> and <c>.zattrs</c> of every node below it (zarr-python's
/// <c>consolidate_metadata</c>), so that arrays open without a read each — over HTTP, one request instead of many.
/// </summary>
public sealed class ZarrV2ConsolidatedMetadata
{
    /// <summary>The name of the consolidated metadata file.</summary>
    public const string FileName = ".zmetadata";

    private readonly Dictionary<string, JsonElement> _entries;

    private ZarrV2ConsolidatedMetadata(IKeyValueStore store, string path, Dictionary<string, JsonElement> entries)
    {
        Store = store;
        Path = path;
        _entries = entries;
        ArrayPaths = [.. entries.Keys
            .Where(key => key == ZarrV2Array.MetadataFileName || key.EndsWith("/" + ZarrV2Array.MetadataFileName, StringComparison.Ordinal))
            .Select(key => StoreKey.Join(path, key[..^ZarrV2Array.MetadataFileName.Length]))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Gets the store.</summary>
    public IKeyValueStore Store { get; }

    /// <summary>Gets the path of the group that holds <c>.zmetadata</c> (empty for the root).</summary>
    public string Path { get; }

    /// <summary>Gets the paths (from the store's root) of the arrays the file describes, in ordinal order.</summary>
    public IReadOnlyList<string> ArrayPaths { get; }

    /// <summary>Reads the <c>.zmetadata</c> of a group.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The group's path (empty for the root).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The consolidated metadata, or <see langword="null"/> when the group has none.</returns>
    /// <exception cref="VolumeFormatException">The file is not consolidated metadata of format 1.</exception>
    public static async Task<ZarrV2ConsolidatedMetadata?> ReadAsync(IKeyValueStore store, string path = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        path = ZarrV2Group.NormalizePath(path);
        var key = StoreKey.Join(path, FileName);
        var bytes = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }

        var location = NodeLocation.Of(store, key);
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("zarr_consolidated_format", out var format))
            {
                throw new VolumeFormatException(location, "the field \"zarr_consolidated_format\" is missing.");
            }

            if (format.ValueKind != JsonValueKind.Number || !format.TryGetInt32(out var version) || version != 1)
            {
                throw new VolumeFormatException(location, $"zarr_consolidated_format is {format.GetRawText()}; version 1 is read.");
            }

            if (!root.TryGetProperty("metadata", out var metadata) || metadata.ValueKind != JsonValueKind.Object)
            {
                throw new VolumeFormatException(location, "the field \"metadata\" is missing or not an object.");
            }

            var entries = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var entry in metadata.EnumerateObject())
            {
                entries[entry.Name] = entry.Value.Clone();
            }

            return new ZarrV2ConsolidatedMetadata(store, path, entries);
        }
        catch (JsonException error)
        {
            throw new VolumeFormatException(location, $"is not valid JSON: {error.Message}", error);
        }
    }

    /// <summary>
    /// Gathers the <c>.zgroup</c>, <c>.zarray</c> and <c>.zattrs</c> files below a group into its <c>.zmetadata</c>
    /// (replacing an old one), as zarr-python's <c>consolidate_metadata</c> does.
    /// </summary>
    /// <param name="store">The store; it must list its keys.</param>
    /// <param name="path">The group's path (empty for the root).</param>
    /// <param name="cancellationToken">Cancels the listing, the reads and the write.</param>
    /// <returns>The consolidated metadata written.</returns>
    /// <exception cref="VolumeFormatException">A metadata file is not JSON.</exception>
    public static async Task<ZarrV2ConsolidatedMetadata> WriteAsync(IKeyValueStore store, string path = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        path = ZarrV2Group.NormalizePath(path);
        var prefix = path.Length == 0 ? string.Empty : path + "/";
        var metadata = new JsonObject();
        await foreach (var key in store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            var name = key[(key.LastIndexOf('/') + 1)..];
            if (name is not (ZarrV2Array.MetadataFileName or ZarrV2Group.MetadataFileName or ZarrV2Attributes.FileName))
            {
                continue;
            }

            var bytes = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (bytes is null)
            {
                continue; // removed since the listing
            }

            try
            {
                metadata[key[prefix.Length..]] = JsonNode.Parse(bytes);
            }
            catch (JsonException error)
            {
                throw new VolumeFormatException(NodeLocation.Of(store, key), $"is not valid JSON: {error.Message}", error);
            }
        }

        var document = new JsonObject { ["metadata"] = metadata, ["zarr_consolidated_format"] = 1 };
        await store.PutAsync(StoreKey.Join(path, FileName), ZarrV2Attributes.ToJson(document), cancellationToken).ConfigureAwait(false);
        return (await ReadAsync(store, path, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Gets the entry of a metadata file, by its key from the store's root.</summary>
    /// <param name="key">The key, e.g. <c>s0/.zarray</c>; it must be below <see cref="Path"/>.</param>
    /// <param name="value">The file's JSON.</param>
    /// <returns><see langword="true"/> when the file is consolidated here.</returns>
    internal bool TryGetEntry(string key, out JsonElement value)
    {
        value = default;
        if (Path.Length == 0)
        {
            return _entries.TryGetValue(key, out value);
        }

        return key.StartsWith(Path + "/", StringComparison.Ordinal) && _entries.TryGetValue(key[(Path.Length + 1)..], out value);
    }
}
