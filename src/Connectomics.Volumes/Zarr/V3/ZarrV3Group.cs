using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Zarr.V3;

/// <summary>A Zarr v3 group (<c>zarr.json</c> with <c>node_type</c> <c>group</c>): a folder of arrays and groups with attributes.</summary>
public sealed class ZarrV3Group
{
    private readonly JsonObject _attributes;

    private ZarrV3Group(string location, string path, JsonObject attributes)
    {
        Location = location;
        Path = path;
        _attributes = attributes;
    }

    /// <summary>Gets where the group is: the store location and the group's path.</summary>
    public string Location { get; }

    /// <summary>Gets the group's path in its store (empty for the root).</summary>
    public string Path { get; }

    /// <summary>Gets the group's attributes (<c>attributes</c> of <c>zarr.json</c>), a JSON object.</summary>
    public JsonElement Attributes => JsonSerializer.SerializeToElement(_attributes);

    /// <summary>Opens the group at <paramref name="path"/> of a store.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The group's path (empty for the store's root).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The group.</returns>
    /// <exception cref="VolumeFormatException"><c>zarr.json</c> is missing (the message names the key looked for), not
    /// JSON, or not a group's.</exception>
    public static async Task<ZarrV3Group> OpenAsync(IKeyValueStore store, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(path);
        var key = StoreKey.Join(path, "zarr.json");
        var file = NodeLocation.Of(store, key);
        var bytes = await store.GetAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new VolumeFormatException(file, "not found: no Zarr v3 group here (zarr.json is missing)");
        var document = ZarrV3MetadataReader.ParseDocument(bytes, file, "group");
        var attributes = document["attributes"] switch
        {
            null => [],
            JsonObject o => (JsonObject)o.DeepClone(),
            _ => throw new VolumeFormatException(file, "field 'attributes' is not an object"),
        };
        return new ZarrV3Group(NodeLocation.Of(store, StoreKey.Join(path)), StoreKey.Join(path), attributes);
    }

    /// <summary>Creates a group: writes its <c>zarr.json</c>, replacing any there.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The group's path (empty for the store's root).</param>
    /// <param name="attributes">The attributes, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The group.</returns>
    public static async Task<ZarrV3Group> CreateAsync(IKeyValueStore store, string path, JsonObject? attributes = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(path);
        var copy = (JsonObject?)attributes?.DeepClone() ?? [];
        var document = new JsonObject
        {
            ["zarr_format"] = 3,
            ["node_type"] = "group",
            ["attributes"] = copy.DeepClone(),
        };
        var bytes = Encoding.UTF8.GetBytes(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        await store.PutAsync(StoreKey.Join(path, "zarr.json"), bytes, cancellationToken).ConfigureAwait(false);
        return new ZarrV3Group(NodeLocation.Of(store, StoreKey.Join(path)), StoreKey.Join(path), copy);
    }
}
