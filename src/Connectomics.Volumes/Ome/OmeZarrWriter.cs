using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr.V2;
using Connectomics.Volumes.Zarr.V3;

namespace Connectomics.Volumes.Ome;

/// <summary>
/// Creates an OME-Zarr image: the level arrays (Zarr v2 with <c>/</c>-separated chunk keys for 0.4; Zarr v3 with the
/// axis names as <c>dimension_names</c>, sharded where asked, for 0.5), then the group with its <c>multiscales</c>
/// metadata, written last so that the metadata never names an array that is not there. The levels are then written
/// through <see cref="Levels"/>, one chunk or shard at a time, or computed from the level above by
/// <see cref="OmeZarrPyramid"/>.
/// </summary>
public sealed class OmeZarrWriter
{
    private OmeZarrWriter(OmeZarrImage image, IReadOnlyList<IChunkedArrayWriter> levels)
    {
        Image = image;
        Levels = levels;
    }

    /// <summary>Gets the image as written (its metadata read back).</summary>
    public OmeZarrImage Image { get; }

    /// <summary>Gets the writers of the level arrays, finest first.</summary>
    public IReadOnlyList<IChunkedArrayWriter> Levels { get; }

    /// <summary>Creates the image group and its empty level arrays, replacing metadata already there.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The image group's path (empty for the store's root).</param>
    /// <param name="options">What to create.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>The writer.</returns>
    /// <exception cref="ArgumentException">The options are inconsistent; the message lists every failure.</exception>
    public static async Task<OmeZarrWriter> CreateAsync(IKeyValueStore store, string path, OmeZarrImageOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        path = ZarrV2Group.NormalizePath(path);
        options.Validate();
        var names = options.Axes.Select(a => a.Name).ToList();
        var levels = new List<IChunkedArrayWriter>();
        foreach (var level in options.Levels)
        {
            var arrayPath = StoreKey.Join(path, level.Path);
            if (options.Version == OmeZarrVersion.V04)
            {
                levels.Add(await ZarrV2Array.CreateAsync(store, arrayPath, new ZarrV2ArrayOptions
                {
                    Shape = level.Shape,
                    Chunks = level.ChunkShape,
                    DataType = options.DataType,
                    FillValue = options.FillValue,
                    Compressor = options.Compressor,
                    DimensionSeparator = '/',
                }, cancellationToken).ConfigureAwait(false));
            }
            else
            {
                levels.Add(await ZarrV3Array.CreateAsync(store, arrayPath, new ZarrV3ArrayOptions
                {
                    Shape = level.Shape,
                    ChunkShape = level.ChunkShape,
                    ShardShape = level.ShardShape,
                    DataType = options.DataType,
                    FillValue = options.FillValue,
                    Codecs = [.. options.Codecs],
                    IndexLocation = options.IndexLocation,
                    DimensionNames = names,
                }, cancellationToken).ConfigureAwait(false));
            }
        }

        var attributes = OmeMetadataWriter.Attributes(options);
        if (options.Version == OmeZarrVersion.V04)
        {
            await ZarrV2Group.CreateAsync(store, path, attributes, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await ZarrV3Group.CreateAsync(store, path, attributes, cancellationToken).ConfigureAwait(false);
        }

        var image = await OmeZarrImage.OpenAsync(store, path, cancellationToken).ConfigureAwait(false);
        return new OmeZarrWriter(image, levels);
    }
}
