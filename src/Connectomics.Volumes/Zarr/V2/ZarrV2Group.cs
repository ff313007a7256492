using System.Text.Json;
using System.Text.Json.Nodes;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Zarr.V2;

/// <summary>A Zarr v2 group: a path holding <c>.zgroup</c> (<c>{"zarr_format": 2}</c>) and optionally <c>.zattrs</c>
/// (an OME-Zarr 0.4 image keeps its <c>multiscales</c> there).</summary>
public sealed class ZarrV2Group
{
    /// <summary>The name of a group's metadata file.</summary>
    public const string MetadataFileName = ".zgroup";

    private ZarrV2Group(IKeyValueStore store, string path, IReadOnlyDictionary<string, JsonElement> attributes)
    {
        Store = store;
        Path = path;
        Attributes = attributes;
    }

    /// <summary>Gets the store that holds the group.</summary>
    public IKeyValueStore Store { get; }

    /// <summary>Gets the group's path in the store (empty for the root).</summary>
    public string Path { get; }

    /// <summary>Gets where the group is, as error messages name it.</summary>
    public string Location => NodeLocation.Of(Store, Path);

    /// <summary>Gets the group's attributes (<c>.zattrs</c>; empty when there is none).</summary>
    public IReadOnlyDictionary<string, JsonElement> Attributes { get; private set; }

    /// <summary>Opens a group.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The group's path (empty for the root).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The group.</returns>
    /// <exception cref="VolumeFormatException"><c>.zgroup</c> is missing (the message names the path looked for) or invalid.</exception>
    public static async Task<ZarrV2Group> OpenAsync(IKeyValueStore store, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        path = NormalizePath(path);
        var key = StoreKey.Join(path, MetadataFileName);
        var bytes = await store.GetAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new VolumeFormatException(NodeLocation.Of(store, key), "no Zarr v2 group here: the file is missing.");
        CheckGroupMetadata(bytes, NodeLocation.Of(store, key));
        var attributes = await ZarrV2Attributes.ReadAsync(store, path, cancellationToken).ConfigureAwait(false);
        return new ZarrV2Group(store, path, attributes);
    }

    /// <summary>Creates a group (and any missing parent groups), or opens it when it exists, then writes its attributes when given.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The group's path (empty for the root).</param>
    /// <param name="attributes">The attributes to write to <c>.zattrs</c>, or <see langword="null"/> to leave them.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>The group.</returns>
    /// <exception cref="VolumeFormatException">The path or a parent is an array.</exception>
    public static async Task<ZarrV2Group> CreateAsync(IKeyValueStore store, string path, JsonObject? attributes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        path = NormalizePath(path);
        await RequireGroupsAsync(store, path, includeSelf: true, cancellationToken).ConfigureAwait(false);
        var group = await OpenAsync(store, path, cancellationToken).ConfigureAwait(false);
        if (attributes is not null)
        {
            await group.WriteAttributesAsync(attributes, cancellationToken).ConfigureAwait(false);
        }

        return group;
    }

    /// <summary>Replaces the group's <c>.zattrs</c>.</summary>
    /// <param name="attributes">The attributes.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the attributes are stored.</returns>
    public async ValueTask WriteAttributesAsync(JsonObject attributes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        Attributes = await ZarrV2Attributes.WriteAsync(Store, Path, attributes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes every ancestor of <paramref name="path"/> (the root included), and the path itself when
    /// <paramref name="includeSelf"/>, a group, writing <c>.zgroup</c> where none is, as zarr-python does when it
    /// creates a node.
    /// </summary>
    internal static async ValueTask RequireGroupsAsync(IKeyValueStore store, string path, bool includeSelf, CancellationToken cancellationToken)
    {
        var segments = path.Length == 0 ? [] : path.Split('/');
        var count = includeSelf ? segments.Length : segments.Length - 1;
        for (var depth = 0; depth <= count; depth++)
        {
            var groupPath = string.Join('/', segments, 0, depth);
            var arrayKey = StoreKey.Join(groupPath, ZarrV2Array.MetadataFileName);
            if (await store.GetAsync(arrayKey, cancellationToken).ConfigureAwait(false) is not null)
            {
                throw new VolumeFormatException(NodeLocation.Of(store, arrayKey), $"is an array, so '{path}' cannot be created below it.");
            }

            var groupKey = StoreKey.Join(groupPath, MetadataFileName);
            if (await store.GetAsync(groupKey, cancellationToken).ConfigureAwait(false) is null)
            {
                await store.PutAsync(groupKey, "{\n    \"zarr_format\": 2\n}"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Checks a <c>.zgroup</c> file: a JSON object whose <c>zarr_format</c> is 2.</summary>
    internal static void CheckGroupMetadata(ReadOnlyMemory<byte> json, string location)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            CheckGroupMetadata(document.RootElement, location);
        }
        catch (JsonException error)
        {
            throw new VolumeFormatException(location, $"is not valid JSON: {error.Message}", error);
        }
    }

    /// <summary>Checks the JSON object of a <c>.zgroup</c>.</summary>
    internal static void CheckGroupMetadata(JsonElement root, string location)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("zarr_format", out var format))
        {
            throw new VolumeFormatException(location, "the field \"zarr_format\" is missing.");
        }

        if (format.ValueKind != JsonValueKind.Number || !format.TryGetInt32(out var version) || version != 2)
        {
            throw new VolumeFormatException(location, $"zarr_format is {format.GetRawText()}; a .zgroup is version 2.");
        }
    }

    /// <summary>Checks a node path and trims its slashes (<c>/s0/</c> is <c>s0</c>; empty is the root).</summary>
    internal static string NormalizePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var trimmed = path.Trim('/');
        if (trimmed.Length > 0)
        {
            StoreKey.Validate(trimmed);
        }

        return trimmed;
    }
}
