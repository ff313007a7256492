using System.Text.Json;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr;
using Connectomics.Volumes.Zarr.V2;
using Connectomics.Volumes.Zarr.V3;

namespace Connectomics.Volumes.Ome;

/// <summary>
/// An OME-Zarr image group: a Zarr group whose attributes hold <c>multiscales</c> (OME-Zarr 0.4 in a Zarr v2
/// <c>.zattrs</c>; 0.5 under <c>ome</c> in a Zarr v3 <c>zarr.json</c>), with one array per level.
/// </summary>
/// <remarks>Instances are immutable and thread-safe.</remarks>
public sealed class OmeZarrImage
{
    private OmeZarrImage(IKeyValueStore store, string path, VolumeFormat format, string metadataFile, IReadOnlyList<OmeMultiscale> multiscales)
    {
        Store = store;
        Path = path;
        Format = format;
        MetadataFile = metadataFile;
        Multiscales = multiscales;
    }

    /// <summary>Gets the store that holds the image.</summary>
    public IKeyValueStore Store { get; }

    /// <summary>Gets the image group's path in the store (empty for the root).</summary>
    public string Path { get; }

    /// <summary>Gets the Zarr format of the group and its arrays.</summary>
    public VolumeFormat Format { get; }

    /// <summary>Gets the metadata file the multiscales were read from, as error messages name it.</summary>
    public string MetadataFile { get; }

    /// <summary>Gets the multiscale images the group describes (usually one).</summary>
    public IReadOnlyList<OmeMultiscale> Multiscales { get; }

    /// <summary>Reads the OME-Zarr metadata of a group.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The group's path (empty for the root).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The image, or <see langword="null"/> when there is no Zarr group at <paramref name="path"/> or its
    /// attributes hold no <c>multiscales</c>.</returns>
    /// <exception cref="VolumeFormatException">The group's metadata or its <c>multiscales</c> are malformed; the message
    /// names the file and the field.</exception>
    public static async Task<OmeZarrImage?> TryOpenAsync(IKeyValueStore store, string path = "", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        path = ZarrV2Group.NormalizePath(path);
        var v3Key = StoreKey.Join(path, "zarr.json");
        var v3 = await store.GetAsync(v3Key, cancellationToken).ConfigureAwait(false);
        if (v3 is not null)
        {
            var file = NodeLocation.Of(store, v3Key);
            var attributes = ReadV3GroupAttributes(v3, file);
            return attributes is { } element && OmeMetadataReader.Read(element, file) is { } found
                ? new OmeZarrImage(store, path, VolumeFormat.ZarrV3, file, found)
                : null;
        }

        if (await store.GetAsync(StoreKey.Join(path, ZarrV2Group.MetadataFileName), cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        var attributesKey = StoreKey.Join(path, ".zattrs");
        var bytes = await store.GetAsync(attributesKey, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }

        var attributesFile = NodeLocation.Of(store, attributesKey);
        var v2Attributes = ZarrV2Attributes.Parse(bytes, attributesFile);
        return FromV2Attributes(store, path, v2Attributes, attributesFile);
    }

    /// <summary>Reads the OME-Zarr metadata of a group that must have it.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The group's path (empty for the root).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The image.</returns>
    /// <exception cref="VolumeFormatException">There is no Zarr group with <c>multiscales</c> at <paramref name="path"/>,
    /// or its metadata is malformed.</exception>
    public static async Task<OmeZarrImage> OpenAsync(IKeyValueStore store, string path = "", CancellationToken cancellationToken = default) =>
        await TryOpenAsync(store, path, cancellationToken).ConfigureAwait(false)
        ?? throw new VolumeFormatException(NodeLocation.Of(store, ZarrV2Group.NormalizePath(path)),
            "no OME-Zarr image here: looked for a Zarr v3 group (zarr.json) with attributes.ome.multiscales and a Zarr v2 group (.zgroup) whose .zattrs holds multiscales.");

    /// <summary>Gets the path of a level's array from the store's root.</summary>
    /// <param name="level">The level (0 is the finest).</param>
    /// <param name="multiscale">Which multiscale image of the group (0 for the first).</param>
    /// <returns>The array's path.</returns>
    /// <exception cref="ArgumentOutOfRangeException">There is no such level or image.</exception>
    public string LevelPath(int level, int multiscale = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(multiscale);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(multiscale, Multiscales.Count);
        var datasets = Multiscales[multiscale].Datasets;
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(level, datasets.Count);
        return StoreKey.Join(Path, datasets[level].Path);
    }

    /// <summary>Opens a level's array and checks it against the axes.</summary>
    /// <param name="level">The level (0 is the finest).</param>
    /// <param name="multiscale">Which multiscale image of the group (0 for the first).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The array, with one dimension per axis.</returns>
    /// <exception cref="VolumeFormatException">The array is missing or its rank differs from the number of axes.</exception>
    public async Task<IChunkedArray> OpenLevelAsync(int level, int multiscale = 0, CancellationToken cancellationToken = default)
    {
        var path = LevelPath(level, multiscale);
        IChunkedArray array = Format == VolumeFormat.ZarrV3
            ? await ZarrV3Array.OpenAsync(Store, path, cancellationToken).ConfigureAwait(false)
            : await ZarrV2Array.OpenAsync(Store, path, cancellationToken).ConfigureAwait(false);
        CheckRank(array, Multiscales[multiscale], MetadataFile);
        return array;
    }

    /// <summary>Finds the level a path names: the multiscale image and dataset whose path it is.</summary>
    /// <param name="arrayPath">An array's path from the store's root.</param>
    /// <param name="multiscale">The image's index in <see cref="Multiscales"/>.</param>
    /// <param name="level">The level.</param>
    /// <returns><see langword="true"/> when the path is one of the image's levels.</returns>
    public bool TryFindLevel(string arrayPath, out int multiscale, out int level)
    {
        ArgumentNullException.ThrowIfNull(arrayPath);
        var path = arrayPath.Trim('/');
        for (multiscale = 0; multiscale < Multiscales.Count; multiscale++)
        {
            for (level = 0; level < Multiscales[multiscale].Datasets.Count; level++)
            {
                if (LevelPath(level, multiscale) == path)
                {
                    return true;
                }
            }
        }

        multiscale = -1;
        level = -1;
        return false;
    }

    /// <summary>Makes an image from a Zarr v2 group's attributes (read from <c>.zattrs</c> or consolidated metadata).</summary>
    internal static OmeZarrImage? FromV2Attributes(IKeyValueStore store, string path, IReadOnlyDictionary<string, JsonElement> attributes, string file)
    {
        var element = JsonSerializer.SerializeToElement(attributes);
        return OmeMetadataReader.Read(element, file) is { } found ? new OmeZarrImage(store, path, VolumeFormat.ZarrV2, file, found) : null;
    }

    /// <summary>Checks that an array has one dimension per axis of its multiscale image.</summary>
    internal static void CheckRank(IChunkedArray array, OmeMultiscale multiscale, string metadataFile)
    {
        if (array.Info.Rank != multiscale.Axes.Count)
        {
            throw new VolumeFormatException(array.Info.Location,
                $"has {array.Info.Rank} dimensions, but the multiscale image in {metadataFile} has {multiscale.Axes.Count} axes ({string.Join(", ", multiscale.Axes.Select(a => a.Name))}).");
        }
    }

    /// <summary>Reads the attributes of a Zarr v3 <c>zarr.json</c> when it is a group's; <see langword="null"/> for an array's.</summary>
    private static JsonElement? ReadV3GroupAttributes(byte[] bytes, string file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException error)
        {
            throw new VolumeFormatException(file, $"is not valid JSON ({error.Message})", error);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("node_type", out var nodeType) || nodeType.ValueKind != JsonValueKind.String)
            {
                throw new VolumeFormatException(file, "field 'node_type' is missing; a zarr.json says whether the node is an array or a group.");
            }

            if (nodeType.GetString() != "group")
            {
                return null;
            }

            return root.TryGetProperty("attributes", out var attributes) ? attributes.Clone() : null;
        }
    }
}
