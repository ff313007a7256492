using System.Text.Json;
using System.Text.Json.Nodes;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Zarr.V2;

/// <summary>Reads and writes the <c>.zattrs</c> of a Zarr v2 array or group: a JSON object of user attributes.</summary>
internal static class ZarrV2Attributes
{
    /// <summary>The name of the attributes file.</summary>
    public const string FileName = ".zattrs";

    /// <summary>Gets no attributes.</summary>
    public static IReadOnlyDictionary<string, JsonElement> None { get; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal);

    /// <summary>Reads a node's attributes; a missing <c>.zattrs</c> is no attributes.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The node's path.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The attributes.</returns>
    /// <exception cref="VolumeFormatException">The file is not a JSON object.</exception>
    public static async ValueTask<IReadOnlyDictionary<string, JsonElement>> ReadAsync(IKeyValueStore store, string path, CancellationToken cancellationToken)
    {
        var key = StoreKey.Join(path, FileName);
        var bytes = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return bytes is null ? None : Parse(bytes, NodeLocation.Of(store, key));
    }

    /// <summary>Parses the bytes of a <c>.zattrs</c> file.</summary>
    /// <param name="json">The bytes.</param>
    /// <param name="location">The file, as errors name it.</param>
    /// <returns>The attributes.</returns>
    /// <exception cref="VolumeFormatException">Not a JSON object.</exception>
    public static IReadOnlyDictionary<string, JsonElement> Parse(ReadOnlyMemory<byte> json, string location)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return FromElement(document.RootElement, location);
        }
        catch (JsonException error)
        {
            throw new VolumeFormatException(location, $"is not valid JSON: {error.Message}", error);
        }
    }

    /// <summary>Copies the attributes out of a JSON object.</summary>
    /// <param name="element">The object.</param>
    /// <param name="location">The file, as errors name it.</param>
    /// <returns>The attributes, independent of the document.</returns>
    /// <exception cref="VolumeFormatException">Not a JSON object.</exception>
    public static IReadOnlyDictionary<string, JsonElement> FromElement(JsonElement element, string location)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new VolumeFormatException(location, $"is a JSON {element.ValueKind}; attributes are an object.");
        }

        var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            attributes[property.Name] = property.Value.Clone();
        }

        return attributes;
    }

    /// <summary>Writes a node's <c>.zattrs</c>, replacing the old one atomically.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The node's path.</param>
    /// <param name="attributes">The attributes.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The attributes as they now read.</returns>
    public static async ValueTask<IReadOnlyDictionary<string, JsonElement>> WriteAsync(IKeyValueStore store, string path, JsonObject attributes, CancellationToken cancellationToken)
    {
        var bytes = ToJson(attributes);
        await store.PutAsync(StoreKey.Join(path, FileName), bytes, cancellationToken).ConfigureAwait(false);
        return Parse(bytes, NodeLocation.Of(store, StoreKey.Join(path, FileName)));
    }

    /// <summary>Serialises a JSON node, indented as zarr-python writes its metadata.</summary>
    /// <param name="node">The node.</param>
    /// <returns>UTF-8 JSON.</returns>
    public static byte[] ToJson(JsonNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            node.WriteTo(writer);
        }

        return buffer.ToArray();
    }
}
