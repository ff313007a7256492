using System.Text.Json;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Ome;
using Connectomics.Volumes.Precomputed;
using Connectomics.Volumes.Zarr;
using Connectomics.Volumes.Zarr.V2;
using Connectomics.Volumes.Zarr.V3;

namespace Connectomics.Volumes.Stores;

/// <summary>
/// A volume wherever it is and whatever its format: a directory, a <c>file://</c> or <c>http(s)://</c> address (or any
/// <see cref="IKeyValueStore"/>) holding Zarr v3, Zarr v2 (with OME-Zarr metadata or without) or Neuroglancer
/// precomputed, detected from the metadata at its root. It lists the arrays it holds and opens one by name, with its
/// voxel size.
/// </summary>
/// <remarks>
/// <para>The format is detected on first use by looking, in order, for <c>zarr.json</c> (Zarr v3), <c>.zgroup</c>,
/// <c>.zarray</c> or <c>.zmetadata</c> (Zarr v2) and <c>info</c> (precomputed). Arrays are found from OME-Zarr
/// <c>multiscales</c>, Zarr v2 consolidated metadata and, where the store can be listed (directories, memory), the
/// group hierarchy; an HTTP store cannot be listed, so its other arrays must be named.</para>
/// <para>Voxel sizes come from the OME-Zarr <c>scale</c> transformations (spatial axes, converted to nanometres from
/// their unit) or the precomputed <c>resolution</c>; an array without either has voxels of size 1 in unit
/// <c>voxel</c>.</para>
/// <para>Instances are thread-safe.</para>
/// </remarks>
public sealed class VolumeStore
{
    private const int MaxGroupDepth = 32;
    private const int MaxProbedChildren = 64;
    private const string VoxelUnit = "voxel";

    private readonly VolumeStoreOptions _options;
    private VolumeFormat? _format;

    private VolumeStore(IKeyValueStore store, VolumeStoreOptions options)
    {
        Store = store;
        _options = options;
    }

    /// <summary>Gets the store the volume is in.</summary>
    public IKeyValueStore Store { get; }

    /// <summary>Gets where the volume is, as error messages name it.</summary>
    public string Location => Store.Location;

    /// <summary>Gets the format, once detected (by <see cref="DetectFormatAsync"/>, <see cref="DescribeAsync"/> or
    /// <see cref="OpenArrayAsync"/>); <see langword="null"/> before.</summary>
    public VolumeFormat? Format => _format;

    /// <summary>Opens a volume by location: a directory path, a <c>file://</c> URI, an <c>http://</c> or <c>https://</c>
    /// address, or a <c>gs://bucket/path</c> address (read over HTTPS from <c>storage.googleapis.com</c>). Nothing is
    /// read until the first call that needs the metadata.</summary>
    /// <param name="location">Where the volume's root is.</param>
    /// <param name="options">How to open it, or <see langword="null"/> for the defaults.</param>
    /// <returns>The volume store.</returns>
    /// <exception cref="ArgumentException"><paramref name="location"/> is empty or not a valid path or address.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="VolumeFeatureNotSupportedException">The address scheme is not read (<c>s3://</c>, …).</exception>
    public static VolumeStore Open(string location, VolumeStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        options ??= new VolumeStoreOptions();
        foreach (var prefix in (ReadOnlySpan<string>)["precomputed://", "zarr://", "zarr2://", "zarr3://"])
        {
            if (location.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                location = location[prefix.Length..];
                break;
            }
        }

        if (location.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || location.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return new VolumeStore(new HttpStore(location, options.HttpClient), options);
        }

        if (location.StartsWith("gs://", StringComparison.OrdinalIgnoreCase))
        {
            return new VolumeStore(new HttpStore($"https://storage.googleapis.com/{location["gs://".Length..].TrimStart('/')}", options.HttpClient), options);
        }

        string directory;
        if (location.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || !uri.IsFile)
            {
                throw new ArgumentException($"'{location}' is not a valid file URI.", nameof(location));
            }

            directory = uri.LocalPath;
        }
        else if (location.IndexOf("://", StringComparison.Ordinal) is var scheme and > 0 && !location[..scheme].Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new VolumeFeatureNotSupportedException(location, $"the address scheme '{location[..scheme]}'", "volumes are read from directories and http(s) addresses (gs:// through its https address).");
        }
        else
        {
            directory = location;
        }

        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException(File.Exists(directory)
                ? $"'{directory}' is a file; a volume is a directory (a Zarr hierarchy or a precomputed volume)."
                : $"The volume directory '{directory}' does not exist.");
        }

        return new VolumeStore(new FileSystemStore(directory), options);
    }

    /// <summary>Opens a volume in a store.</summary>
    /// <param name="store">The store whose root is the volume's root.</param>
    /// <param name="options">How to open it, or <see langword="null"/> for the defaults.</param>
    /// <returns>The volume store.</returns>
    public static VolumeStore Open(IKeyValueStore store, VolumeStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        return new VolumeStore(store, options ?? new VolumeStoreOptions());
    }

    /// <summary>Detects the format from the metadata at the store's root (once; later calls return what was found).</summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The format.</returns>
    /// <exception cref="VolumeFormatException">No volume metadata is at the root; the message names the location and the
    /// files looked for.</exception>
    /// <exception cref="VolumeFeatureNotSupportedException">The root is an N5 dataset.</exception>
    public async Task<VolumeFormat> DetectFormatAsync(CancellationToken cancellationToken = default)
    {
        if (_format is { } known)
        {
            return known;
        }

        var detected = await ProbeAsync(cancellationToken).ConfigureAwait(false);
        _format = detected;
        return detected;
    }

    /// <summary>Describes the volume: its format and each array (or precomputed scale) with its shape, type, chunking,
    /// codecs, fill value and voxel size.</summary>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The description.</returns>
    /// <exception cref="VolumeFormatException">The metadata is missing or malformed; the message names the file and field.</exception>
    /// <exception cref="VolumeFeatureNotSupportedException">An array uses a feature this package does not read.</exception>
    public async Task<VolumeDescription> DescribeAsync(CancellationToken cancellationToken = default)
    {
        var format = await DetectFormatAsync(cancellationToken).ConfigureAwait(false);
        if (format == VolumeFormat.Precomputed)
        {
            return await DescribePrecomputedAsync(cancellationToken).ConfigureAwait(false);
        }

        var catalog = await WalkAsync(format, cancellationToken).ConfigureAwait(false);
        var arrays = new List<VolumeArrayDescription>();
        foreach (var entry in catalog.Arrays)
        {
            var array = await OpenZarrArrayAsync(format, entry.Path, catalog.Consolidated, cancellationToken).ConfigureAwait(false);
            var (voxelSize, unit) = VoxelSizeOf(entry.Image, entry.Multiscale, entry.Level);
            if (entry.Image is not null)
            {
                OmeZarrImage.CheckRank(array, entry.Image.Multiscales[entry.Multiscale], entry.Image.MetadataFile);
            }

            var description = VolumeArrayDescription.From(array.Info, entry.Path, entry.Level, entry.Image?.Path, voxelSize, unit);
            if (entry.Image is not null && description.DimensionNames is null)
            {
                description = description with { DimensionNames = [.. entry.Image.Multiscales[entry.Multiscale].Axes.Select(a => a.Name)] };
            }

            arrays.Add(description);
        }

        return new VolumeDescription { Location = Location, Format = format, Arrays = arrays, Images = catalog.Images, Listed = catalog.Listed };
    }

    /// <summary>
    /// Opens an array by name, as <c>[z, y, x]</c> or <c>[c, z, y, x]</c>. Without a name: the array at the store's root,
    /// else level 0 of the (only) OME-Zarr image, else precomputed scale 0, else the only array; a store with several
    /// arrays and none of these throws, listing them.
    /// </summary>
    /// <param name="name">The array's path in the store (Zarr, e.g. <c>s0</c> or <c>raw/0</c>) or the scale's key
    /// (precomputed, e.g. <c>8_8_40</c>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The array, its name, its level and its voxel size.</returns>
    /// <exception cref="ArgumentException">No array has that name, or no name was given and the store holds several
    /// arrays; the message lists the arrays found.</exception>
    /// <exception cref="VolumeFormatException">The metadata is missing or malformed; the message names the file and field.</exception>
    /// <exception cref="VolumeFeatureNotSupportedException">The array uses a feature this package does not read, or is
    /// not a volume (fewer than three spatial axes, more than one leading axis besides singletons).</exception>
    public async Task<VolumeSourceArray> OpenArrayAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        var format = await DetectFormatAsync(cancellationToken).ConfigureAwait(false);
        if (format == VolumeFormat.Precomputed)
        {
            return await OpenPrecomputedAsync(name, cancellationToken).ConfigureAwait(false);
        }

        if (name is null)
        {
            if (await IsRootArrayAsync(format, cancellationToken).ConfigureAwait(false))
            {
                return await OpenZarrByPathAsync(format, string.Empty, cancellationToken).ConfigureAwait(false);
            }

            var catalog = await WalkAsync(format, cancellationToken).ConfigureAwait(false);
            if (catalog.Images.Count == 1)
            {
                var image = catalog.Images[0];
                return await OpenEntryAsync(format, new CatalogEntry(image.LevelPath(0), image, 0, 0), catalog.Consolidated, cancellationToken).ConfigureAwait(false);
            }

            if (catalog.Arrays.Count == 1)
            {
                return await OpenEntryAsync(format, catalog.Arrays[0], catalog.Consolidated, cancellationToken).ConfigureAwait(false);
            }

            throw new ArgumentException(catalog.Arrays.Count == 0
                ? $"{Location}: no arrays were found{(catalog.Listed ? string.Empty : " (the store cannot be listed)")}; name the array to open."
                : $"{Location} holds {catalog.Arrays.Count} arrays{(catalog.Images.Count > 1 ? $" in {catalog.Images.Count} OME-Zarr images" : string.Empty)}; name the one to open: {ListNames(catalog.Arrays.Select(a => a.Path))}.",
                nameof(name));
        }

        var path = name.Trim('/');
        if (path.Length > 0)
        {
            try
            {
                StoreKey.Validate(path);
            }
            catch (ArgumentException error)
            {
                throw new ArgumentException($"{Location}: '{name}' is not an array path ({error.Message})", nameof(name), error);
            }
        }

        if (!await IsArrayAsync(format, path, cancellationToken).ConfigureAwait(false))
        {
            var catalog = await WalkAsync(format, cancellationToken).ConfigureAwait(false);
            throw new ArgumentException(
                $"{Location}: no {(format == VolumeFormat.ZarrV3 ? "Zarr v3" : "Zarr v2")} array '{name}'; the arrays found are {(catalog.Arrays.Count == 0 ? "none" : ListNames(catalog.Arrays.Select(a => a.Path)))}{(catalog.Listed ? string.Empty : " (the store cannot be listed)")}.",
                nameof(name));
        }

        return await OpenZarrByPathAsync(format, path, cancellationToken).ConfigureAwait(false);
    }

    private static string ListNames(IEnumerable<string> names) => string.Join(", ", names.Select(n => n.Length == 0 ? "'' (the root)" : $"'{n}'"));

    private static (double Z, double Y, double X) Voxels(double z, double y, double x) => (z, y, x);

    private static ((double Z, double Y, double X) Size, string Unit) VoxelSizeOf(OmeZarrImage? image, int multiscale, int level)
    {
        if (image is null)
        {
            return ((1, 1, 1), VoxelUnit);
        }

        var (z, y, x, unit) = image.Multiscales[multiscale].VoxelSizeOf(level);
        return (Voxels(z, y, x), unit);
    }

    private async Task<VolumeFormat> ProbeAsync(CancellationToken cancellationToken)
    {
        if (await ExistsAsync("zarr.json", cancellationToken).ConfigureAwait(false))
        {
            return VolumeFormat.ZarrV3;
        }

        foreach (var key in (string[])[ZarrV2Group.MetadataFileName, ZarrV2Array.MetadataFileName, ZarrV2ConsolidatedMetadata.FileName])
        {
            if (await ExistsAsync(key, cancellationToken).ConfigureAwait(false))
            {
                return VolumeFormat.ZarrV2;
            }
        }

        if (await ExistsAsync(PrecomputedVolume.InfoFileName, cancellationToken).ConfigureAwait(false))
        {
            return VolumeFormat.Precomputed;
        }

        if (await ExistsAsync("attributes.json", cancellationToken).ConfigureAwait(false))
        {
            throw new VolumeFeatureNotSupportedException(Location, "N5", "the root holds an N5 attributes.json; Zarr v2, Zarr v3 and Neuroglancer precomputed are read.");
        }

        // A hierarchy whose root group metadata was never written (arrays created on their own): the nodes just below
        // the root tell the format, where the store can be listed.
        var children = await ListChildrenAsync(string.Empty, cancellationToken).ConfigureAwait(false) ?? [];
        foreach (var child in children.Take(MaxProbedChildren))
        {
            if (await ExistsAsync(StoreKey.Join(child, "zarr.json"), cancellationToken).ConfigureAwait(false))
            {
                return VolumeFormat.ZarrV3;
            }

            if (await ExistsAsync(StoreKey.Join(child, ZarrV2Array.MetadataFileName), cancellationToken).ConfigureAwait(false)
                || await ExistsAsync(StoreKey.Join(child, ZarrV2Group.MetadataFileName), cancellationToken).ConfigureAwait(false))
            {
                return VolumeFormat.ZarrV2;
            }
        }

        throw new VolumeFormatException(Location,
            "no volume here: looked for zarr.json (Zarr v3), .zgroup, .zarray and .zmetadata (Zarr v2) and info (Neuroglancer precomputed) at its root, and for Zarr metadata in the folders just below it, and found none.");
    }

    private async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) =>
        await Store.GetAsync(key, cancellationToken).ConfigureAwait(false) is not null;

    private async Task<VolumeDescription> DescribePrecomputedAsync(CancellationToken cancellationToken)
    {
        var volume = await PrecomputedVolume.OpenAsync(Store, cancellationToken).ConfigureAwait(false);
        var arrays = new List<VolumeArrayDescription>();
        for (var level = 0; level < volume.Scales.Count; level++)
        {
            var scale = volume.Scales[level];
            var voxelSize = Voxels(scale.Resolution[0], scale.Resolution[1], scale.Resolution[2]);
            try
            {
                var array = volume.OpenScale(level, _options.FillMissing);
                arrays.Add(VolumeArrayDescription.From(array.Info, scale.Key, level, null, voxelSize, OmeLengthUnit.Nanometer));
            }
            catch (VolumeFeatureNotSupportedException error)
            {
                arrays.Add(new VolumeArrayDescription
                {
                    Name = scale.Key,
                    Level = level,
                    Shape = volume.NumChannels == 1 ? [scale.Size.Z, scale.Size.Y, scale.Size.X] : [volume.NumChannels, scale.Size.Z, scale.Size.Y, scale.Size.X],
                    DataType = volume.DataType,
                    ChunkShape = volume.NumChannels == 1 ? [(int)scale.ChunkSize.Z, (int)scale.ChunkSize.Y, (int)scale.ChunkSize.X] : [volume.NumChannels, (int)scale.ChunkSize.Z, (int)scale.ChunkSize.Y, (int)scale.ChunkSize.X],
                    CodecSummary = scale.IsSharded ? $"{scale.Encoding}, sharded" : scale.Encoding,
                    FillValue = 0,
                    DimensionNames = volume.NumChannels == 1 ? ["z", "y", "x"] : ["c", "z", "y", "x"],
                    VoxelSize = voxelSize,
                    Unit = OmeLengthUnit.Nanometer,
                    NotReadable = error.Message,
                });
            }
        }

        return new VolumeDescription { Location = Location, Format = VolumeFormat.Precomputed, Arrays = arrays };
    }

    private async Task<VolumeSourceArray> OpenPrecomputedAsync(string? name, CancellationToken cancellationToken)
    {
        var volume = await PrecomputedVolume.OpenAsync(Store, cancellationToken).ConfigureAwait(false);
        var level = 0;
        if (name is not null)
        {
            level = -1;
            for (var i = 0; i < volume.Scales.Count; i++)
            {
                if (volume.Scales[i].Key == name || volume.Scales[i].Key.Trim('/') == name.Trim('/'))
                {
                    level = i;
                    break;
                }
            }

            if (level < 0)
            {
                throw new ArgumentException(
                    $"{Location}: no precomputed scale '{name}'; the scales are {ListNames(volume.Scales.Select(s => s.Key))}.", nameof(name));
            }
        }

        var scale = volume.Scales[level];
        var array = volume.OpenScale(level, _options.FillMissing);
        return new VolumeSourceArray(array, scale.Key, level, Voxels(scale.Resolution[0], scale.Resolution[1], scale.Resolution[2]), OmeLengthUnit.Nanometer);
    }

    private async Task<VolumeSourceArray> OpenZarrByPathAsync(VolumeFormat format, string path, CancellationToken cancellationToken)
    {
        // The OME-Zarr image a level belongs to is its nearest ancestor group whose multiscales list it.
        var segments = path.Length == 0 ? [] : path.Split('/');
        for (var depth = segments.Length - 1; depth >= 0; depth--)
        {
            var groupPath = string.Join('/', segments, 0, depth);
            var image = await OmeZarrImage.TryOpenAsync(Store, groupPath, cancellationToken).ConfigureAwait(false);
            if (image is not null && image.TryFindLevel(path, out var multiscale, out var level))
            {
                return await OpenEntryAsync(format, new CatalogEntry(path, image, multiscale, level), null, cancellationToken).ConfigureAwait(false);
            }
        }

        return await OpenEntryAsync(format, new CatalogEntry(path, null, 0, 0), null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<VolumeSourceArray> OpenEntryAsync(VolumeFormat format, CatalogEntry entry, ZarrV2ConsolidatedMetadata? consolidated, CancellationToken cancellationToken)
    {
        var array = await OpenZarrArrayAsync(format, entry.Path, consolidated, cancellationToken).ConfigureAwait(false);
        OmeMultiscale? multiscale = null;
        if (entry.Image is not null)
        {
            multiscale = entry.Image.Multiscales[entry.Multiscale];
            OmeZarrImage.CheckRank(array, multiscale, entry.Image.MetadataFile);
        }

        var volume = VolumeAxes.AsVolume(array, multiscale?.Axes);
        var (voxelSize, unit) = VoxelSizeOf(entry.Image, entry.Multiscale, entry.Level);
        return new VolumeSourceArray(volume, entry.Path, entry.Level, voxelSize, unit);
    }

    private async Task<IChunkedArray> OpenZarrArrayAsync(VolumeFormat format, string path, ZarrV2ConsolidatedMetadata? consolidated, CancellationToken cancellationToken)
    {
        if (format == VolumeFormat.ZarrV3)
        {
            return await ZarrV3Array.OpenAsync(Store, path, cancellationToken).ConfigureAwait(false);
        }

        return consolidated is not null && consolidated.TryGetEntry(StoreKey.Join(path, ZarrV2Array.MetadataFileName), out _)
            ? ZarrV2Array.Open(consolidated, path)
            : await ZarrV2Array.OpenAsync(Store, path, cancellationToken).ConfigureAwait(false);
    }

    private Task<bool> IsRootArrayAsync(VolumeFormat format, CancellationToken cancellationToken) => IsArrayAsync(format, string.Empty, cancellationToken);

    private async Task<bool> IsArrayAsync(VolumeFormat format, string path, CancellationToken cancellationToken) =>
        await NodeKindAsync(format, path, cancellationToken).ConfigureAwait(false) == NodeKind.Array;

    private async Task<NodeKind> NodeKindAsync(VolumeFormat format, string path, CancellationToken cancellationToken)
    {
        if (format == VolumeFormat.ZarrV3)
        {
            var key = StoreKey.Join(path, "zarr.json");
            var bytes = await Store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (bytes is null)
            {
                return NodeKind.None;
            }

            try
            {
                using var document = JsonDocument.Parse(bytes);
                return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("node_type", out var type) && type.ValueKind == JsonValueKind.String
                    ? type.GetString() switch
                    {
                        "array" => NodeKind.Array,
                        "group" => NodeKind.Group,
                        var other => throw new VolumeFormatException(NodeLocation.Of(Store, key), $"field 'node_type' is \"{other}\"; it is \"array\" or \"group\"."),
                    }
                    : throw new VolumeFormatException(NodeLocation.Of(Store, key), "field 'node_type' is missing or not a string.");
            }
            catch (JsonException error)
            {
                throw new VolumeFormatException(NodeLocation.Of(Store, key), $"is not valid JSON ({error.Message})", error);
            }
        }

        if (await ExistsAsync(StoreKey.Join(path, ZarrV2Array.MetadataFileName), cancellationToken).ConfigureAwait(false))
        {
            return NodeKind.Array;
        }

        return await ExistsAsync(StoreKey.Join(path, ZarrV2Group.MetadataFileName), cancellationToken).ConfigureAwait(false) ? NodeKind.Group : NodeKind.None;
    }

    /// <summary>Finds the arrays of a Zarr hierarchy: OME-Zarr levels, consolidated metadata, and the listed groups.</summary>
    private async Task<Catalog> WalkAsync(VolumeFormat format, CancellationToken cancellationToken)
    {
        var consolidated = format == VolumeFormat.ZarrV2 ? await ZarrV2ConsolidatedMetadata.ReadAsync(Store, string.Empty, cancellationToken).ConfigureAwait(false) : null;
        var found = new Dictionary<string, CatalogEntry>(StringComparer.Ordinal);
        var order = new List<string>();
        var images = new List<OmeZarrImage>();
        var listed = true;

        void Add(CatalogEntry entry)
        {
            if (found.TryAdd(entry.Path, entry))
            {
                order.Add(entry.Path);
            }
        }

        async Task VisitAsync(string groupPath, int depth)
        {
            var image = consolidated is not null
                ? ConsolidatedImage(consolidated, groupPath)
                : await OmeZarrImage.TryOpenAsync(Store, groupPath, cancellationToken).ConfigureAwait(false);
            if (image is not null)
            {
                images.Add(image);
                for (var m = 0; m < image.Multiscales.Count; m++)
                {
                    for (var level = 0; level < image.Multiscales[m].Datasets.Count; level++)
                    {
                        Add(new CatalogEntry(image.LevelPath(level, m), image, m, level));
                    }
                }
            }

            if (consolidated is not null || depth >= MaxGroupDepth)
            {
                return;
            }

            var children = await ListChildrenAsync(groupPath, cancellationToken).ConfigureAwait(false);
            if (children is null)
            {
                listed = false;
                return;
            }

            foreach (var child in children)
            {
                var childPath = StoreKey.Join(groupPath, child);
                if (found.ContainsKey(childPath))
                {
                    continue;
                }

                switch (await NodeKindAsync(format, childPath, cancellationToken).ConfigureAwait(false))
                {
                    case NodeKind.Array:
                        Add(new CatalogEntry(childPath, null, 0, 0));
                        break;
                    case NodeKind.Group:
                        await VisitAsync(childPath, depth + 1).ConfigureAwait(false);
                        break;
                }
            }
        }

        if (await IsRootArrayAsync(format, cancellationToken).ConfigureAwait(false))
        {
            Add(new CatalogEntry(string.Empty, null, 0, 0));
        }
        else
        {
            await VisitAsync(string.Empty, 0).ConfigureAwait(false);
            if (consolidated is not null)
            {
                foreach (var groupPath in ConsolidatedGroups(consolidated).Where(p => p.Length > 0))
                {
                    await VisitAsync(groupPath, MaxGroupDepth).ConfigureAwait(false);
                }

                foreach (var path in consolidated.ArrayPaths)
                {
                    Add(new CatalogEntry(path, null, 0, 0));
                }
            }
        }

        // OME-Zarr levels in pyramid order first (as found), then the other arrays by path.
        var ome = order.Where(p => found[p].Image is not null);
        var others = order.Where(p => found[p].Image is null).Order(StringComparer.Ordinal);
        return new Catalog([.. ome.Concat(others).Select(p => found[p])], images, consolidated, listed);
    }

    private static IEnumerable<string> ConsolidatedGroups(ZarrV2ConsolidatedMetadata consolidated)
    {
        // Groups with attributes are the ones that can be OME-Zarr images; the consolidated file lists their .zattrs.
        var groups = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var arrayPath in consolidated.ArrayPaths)
        {
            var segments = arrayPath.Split('/');
            for (var depth = 1; depth < segments.Length; depth++)
            {
                groups.Add(string.Join('/', segments, 0, depth));
            }
        }

        return groups;
    }

    private OmeZarrImage? ConsolidatedImage(ZarrV2ConsolidatedMetadata consolidated, string groupPath)
    {
        var key = StoreKey.Join(groupPath, ".zattrs");
        if (!consolidated.TryGetEntry(key, out var element) || consolidated.TryGetEntry(StoreKey.Join(groupPath, ZarrV2Array.MetadataFileName), out _))
        {
            return null;
        }

        var file = $"{NodeLocation.Of(Store, StoreKey.Join(consolidated.Path, ZarrV2ConsolidatedMetadata.FileName))} [{key}]";
        return OmeZarrImage.FromV2Attributes(Store, groupPath, ZarrV2Attributes.FromElement(element, file), file);
    }

    /// <summary>Lists the names one level below a group, or returns <see langword="null"/> when the store cannot list.</summary>
    private async Task<IReadOnlyList<string>?> ListChildrenAsync(string groupPath, CancellationToken cancellationToken)
    {
        if (Store is FileSystemStore files)
        {
            var directory = groupPath.Length == 0 ? files.Location : files.PathOf(groupPath);
            return Directory.Exists(directory)
                ? [.. Directory.EnumerateDirectories(directory).Select(Path.GetFileName).OfType<string>().Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal)]
                : [];
        }

        var prefix = groupPath.Length == 0 ? string.Empty : groupPath + "/";
        var names = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var key in Store.ListAsync(prefix, cancellationToken).ConfigureAwait(false))
            {
                var rest = key[prefix.Length..];
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                if (slash > 0)
                {
                    names.Add(rest[..slash]);
                }
            }
        }
        catch (NotSupportedException)
        {
            return null;
        }

        return [.. names];
    }

    private enum NodeKind
    {
        None,
        Array,
        Group,
    }

    private sealed record CatalogEntry(string Path, OmeZarrImage? Image, int Multiscale, int Level);

    private sealed record Catalog(IReadOnlyList<CatalogEntry> Arrays, IReadOnlyList<OmeZarrImage> Images, ZarrV2ConsolidatedMetadata? Consolidated, bool Listed);
}
