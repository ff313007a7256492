using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Precomputed;

/// <summary>
/// A Neuroglancer precomputed volume (CloudVolume's format, most public EM datasets): an <c>info</c> file and a folder
/// of chunk files per scale. Each unsharded <c>raw</c> or <c>jpeg</c> scale opens as a chunked array.
/// </summary>
/// <remarks>
/// Sharded scales and the <c>compressed_segmentation</c>, <c>png</c>, <c>compresso</c>, <c>jxl</c>, <c>fpzip</c>,
/// <c>kempressed</c> and <c>zfpc</c> encodings are listed in <see cref="Scales"/> but refused by <see cref="OpenScale(string, bool)"/>
/// with a <see cref="VolumeFeatureNotSupportedException"/> naming the feature. Instances are immutable and thread-safe.
/// </remarks>
public sealed class PrecomputedVolume
{
    /// <summary>The name of the metadata file.</summary>
    public const string InfoFileName = "info";

    private readonly PrecomputedInfo _info;

    private PrecomputedVolume(IKeyValueStore store, string path, PrecomputedInfo info)
    {
        Store = store;
        Path = path;
        _info = info;
    }

    /// <summary>Gets the store the volume is in.</summary>
    public IKeyValueStore Store { get; }

    /// <summary>Gets the volume's folder in the store (empty when the <c>info</c> file is at the store's root).</summary>
    public string Path { get; }

    /// <summary>Gets where the volume is, as error messages name it: the store's location and the volume's path.</summary>
    public string Location => Path.Length == 0 ? Store.Location : $"{Store.Location}/{Path}";

    /// <summary>Gets the volume type: <c>image</c> or <c>segmentation</c>.</summary>
    public string Type => _info.Type;

    /// <summary>Gets the element type (<c>data_type</c>).</summary>
    public VoxelType DataType => _info.DataType;

    /// <summary>Gets the number of channels (<c>num_channels</c>).</summary>
    public int NumChannels => _info.NumChannels;

    /// <summary>Gets the scales, finest first, as the <c>info</c> file lists them.</summary>
    public IReadOnlyList<PrecomputedScale> Scales => _info.Scales;

    /// <summary>Opens the volume whose <c>info</c> file is at the store's root.</summary>
    /// <param name="store">The store (a directory, an HTTP(S) address, memory).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The volume.</returns>
    /// <exception cref="VolumeFormatException">There is no <c>info</c> file, or it is not a valid precomputed info.</exception>
    /// <exception cref="VolumeFeatureNotSupportedException">The folder is an N5 dataset, or the info describes something other
    /// than an image or segmentation volume, or a data type not read.</exception>
    public static Task<PrecomputedVolume> OpenAsync(IKeyValueStore store, CancellationToken cancellationToken = default) =>
        OpenAsync(store, string.Empty, cancellationToken);

    /// <summary>Opens the volume whose <c>info</c> file is in <paramref name="path"/>.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The volume's folder in the store (empty for the root).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The volume.</returns>
    /// <exception cref="VolumeFormatException">There is no <c>info</c> file, or it is not a valid precomputed info.</exception>
    /// <exception cref="VolumeFeatureNotSupportedException">The folder is an N5 dataset, or the info describes something other
    /// than an image or segmentation volume, or a data type not read.</exception>
    public static async Task<PrecomputedVolume> OpenAsync(IKeyValueStore store, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(path);
        path = StoreKey.Join(path);
        if (path.Length > 0)
        {
            StoreKey.Validate(path);
        }

        var infoKey = StoreKey.Join(path, InfoFileName);
        var infoLocation = $"{store.Location}/{infoKey}";
        var bytes = await store.GetAsync(infoKey, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            var n5Key = StoreKey.Join(path, "attributes.json");
            if (await store.GetAsync(n5Key, cancellationToken).ConfigureAwait(false) is not null)
            {
                throw new VolumeFeatureNotSupportedException($"{store.Location}/{n5Key}", "N5", "the folder is an N5 dataset (attributes.json), not a Neuroglancer precomputed volume.");
            }

            throw new VolumeFormatException(infoLocation, "no precomputed 'info' file here; a Neuroglancer precomputed volume has one at its root.");
        }

        return new PrecomputedVolume(store, path, PrecomputedInfo.Parse(bytes, infoLocation));
    }

    /// <summary>Opens a scale by its key as a chunked array.</summary>
    /// <param name="key">The scale's <see cref="PrecomputedScale.Key"/>.</param>
    /// <param name="fillMissing">Whether a missing chunk file reads as zeros (<see langword="null"/> from
    /// <see cref="IChunkedArray.ReadChunkAsync"/>) instead of throwing <see cref="MissingChunkException"/>, as
    /// CloudVolume's <c>fill_missing</c>.</param>
    /// <returns>The scale's array: <c>[z, y, x]</c> for one channel, <c>[c, z, y, x]</c> for more; index 0 is the scale's
    /// <see cref="PrecomputedScale.VoxelOffset"/>.</returns>
    /// <exception cref="ArgumentException">No scale has this key.</exception>
    /// <exception cref="VolumeFeatureNotSupportedException">The scale is sharded or its encoding is not raw or jpeg.</exception>
    public IChunkedArray OpenScale(string key, bool fillMissing = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var i = 0; i < Scales.Count; i++)
        {
            if (Scales[i].Key == key)
            {
                return OpenScale(i, fillMissing);
            }
        }

        throw new ArgumentException($"{Location}: no scale has the key '{key}'; the scales are {string.Join(", ", Scales.Select(scale => $"'{scale.Key}'"))}.", nameof(key));
    }

    /// <summary>Opens a scale by its position in <see cref="Scales"/> as a chunked array.</summary>
    /// <param name="index">The scale's position (0 is the finest).</param>
    /// <param name="fillMissing">Whether a missing chunk file reads as zeros instead of throwing <see cref="MissingChunkException"/>.</param>
    /// <returns>The scale's array.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a scale's position.</exception>
    /// <exception cref="VolumeFeatureNotSupportedException">The scale is sharded or its encoding is not raw or jpeg.</exception>
    public IChunkedArray OpenScale(int index, bool fillMissing = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Scales.Count);
        var scale = Scales[index];
        var scalePath = ResolveScalePath(scale.Key);
        var location = $"{Store.Location}/{scalePath}";
        if (scale.IsSharded)
        {
            throw new VolumeFeatureNotSupportedException(location, "sharded scale", "the scale's 'sharding' (Neuroglancer's sharded chunk storage) is not read; only unsharded scales are.");
        }

        switch (scale.Encoding)
        {
            case PrecomputedEncodings.Raw:
                break;
            case PrecomputedEncodings.Jpeg:
                if (DataType != VoxelType.UInt8 || NumChannels is not (1 or 3))
                {
                    throw new VolumeFormatException($"{Store.Location}/{StoreKey.Join(Path, InfoFileName)}", $"scale '{scale.Key}' is jpeg-encoded, which needs data_type uint8 and 1 or 3 channels, not {PrecomputedDataTypes.NameOf(DataType)} with {NumChannels}.");
                }

                break;
            default:
                throw new VolumeFeatureNotSupportedException(location, $"encoding {scale.Encoding}", "only the raw and jpeg chunk encodings are read.");
        }

        var grid = new PrecomputedChunkGrid(scale, scalePath, DataType, NumChannels, location, scale.Encoding);
        return new PrecomputedScaleArray(Store, grid, fillMissing);
    }

    /// <summary>Joins the volume's path and a scale key, resolving the <c>.</c> and <c>..</c> segments the spec allows in keys.</summary>
    private string ResolveScalePath(string key)
    {
        var segments = new List<string>();
        foreach (var segment in $"{Path}/{key}".Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count == 0)
                {
                    throw new VolumeFormatException($"{Store.Location}/{StoreKey.Join(Path, InfoFileName)}", $"scale key '{key}' leads outside the store.");
                }

                segments.RemoveAt(segments.Count - 1);
                continue;
            }

            segments.Add(segment);
        }

        return segments.Count == 0
            ? throw new VolumeFormatException($"{Store.Location}/{StoreKey.Join(Path, InfoFileName)}", $"scale key '{key}' names the volume's own folder.")
            : string.Join('/', segments);
    }
}
