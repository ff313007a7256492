using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Precomputed;

/// <summary>
/// Creates a Neuroglancer precomputed volume with <c>raw</c> chunks: writes its <c>info</c>, then each scale's chunks
/// through a per-scale <see cref="IChunkedArrayWriter"/> (chunk files cut at the volume's edge as the spec requires,
/// optionally gzip-compressed as <c>name.gz</c>). What it writes opens with <see cref="PrecomputedVolume"/>,
/// Neuroglancer and CloudVolume.
/// </summary>
/// <remarks>
/// Every chunk is stored, zeros included: precomputed has no fill value and readers (CloudVolume by default, and
/// <see cref="PrecomputedVolume.OpenScale(string, bool)"/>) treat a missing chunk file as an error. Thread-safe: units
/// may be written concurrently.
/// </remarks>
public sealed class PrecomputedWriter
{
    private readonly PrecomputedInfo _info;
    private readonly PrecomputedWriterOptions _options;

    private PrecomputedWriter(IKeyValueStore store, string path, PrecomputedInfo info, PrecomputedWriterOptions options)
    {
        Store = store;
        Path = path;
        _info = info;
        _options = options;
    }

    /// <summary>Gets the store the volume is written to.</summary>
    public IKeyValueStore Store { get; }

    /// <summary>Gets the volume's folder in the store (empty for the root).</summary>
    public string Path { get; }

    /// <summary>Gets the scales, as written to the <c>info</c>.</summary>
    public IReadOnlyList<PrecomputedScale> Scales => _info.Scales;

    /// <summary>Creates the volume at the store's root: checks the options and writes the <c>info</c>.</summary>
    /// <param name="store">The store (writable).</param>
    /// <param name="options">The volume's description.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The writer.</returns>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    /// <exception cref="VolumeFormatException">An <c>info</c> that describes another volume is there and
    /// <see cref="PrecomputedWriterOptions.Overwrite"/> is not set.</exception>
    public static Task<PrecomputedWriter> CreateAsync(IKeyValueStore store, PrecomputedWriterOptions options, CancellationToken cancellationToken = default) =>
        CreateAsync(store, string.Empty, options, cancellationToken);

    /// <summary>Creates the volume in <paramref name="path"/>: checks the options and writes the <c>info</c>.</summary>
    /// <param name="store">The store (writable).</param>
    /// <param name="path">The volume's folder in the store (empty for the root).</param>
    /// <param name="options">The volume's description.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <returns>The writer.</returns>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    /// <exception cref="VolumeFormatException">An <c>info</c> that describes another volume is there and
    /// <see cref="PrecomputedWriterOptions.Overwrite"/> is not set.</exception>
    public static async Task<PrecomputedWriter> CreateAsync(IKeyValueStore store, string path, PrecomputedWriterOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (store.IsReadOnly)
        {
            throw new NotSupportedException($"{store.Location} is read-only; a precomputed volume cannot be written there.");
        }

        path = StoreKey.Join(path);
        var info = new PrecomputedInfo
        {
            Type = options.Type,
            DataType = options.DataType,
            NumChannels = options.NumChannels,
            Scales = [.. options.Scales.Select(scale => scale with { ChunkSizes = [scale.ChunkSize] })],
        };
        var serialized = info.Serialize();
        var infoKey = StoreKey.Join(path, PrecomputedVolume.InfoFileName);
        var existing = await store.GetAsync(infoKey, cancellationToken).ConfigureAwait(false);
        if (existing is not null && !options.Overwrite && !DescribesSameVolume(existing, serialized, $"{store.Location}/{infoKey}"))
        {
            throw new VolumeFormatException($"{store.Location}/{infoKey}", "an info describing another volume is already there; set Overwrite to replace it.");
        }

        await store.PutAsync(infoKey, serialized, cancellationToken).ConfigureAwait(false);
        return new PrecomputedWriter(store, path, info, options);
    }

    /// <summary>Opens a scale for writing by its key.</summary>
    /// <param name="key">The scale's key.</param>
    /// <returns>The scale's writer: units are chunks, <c>[z, y, x]</c> or <c>[c, z, y, x]</c> like the reader's arrays.</returns>
    /// <exception cref="ArgumentException">No scale has this key.</exception>
    public IChunkedArrayWriter OpenScale(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var i = 0; i < Scales.Count; i++)
        {
            if (Scales[i].Key == key)
            {
                return OpenScale(i);
            }
        }

        throw new ArgumentException($"{Store.Location}/{Path}: no scale has the key '{key}'.", nameof(key));
    }

    /// <summary>Opens a scale for writing by its position in <see cref="Scales"/>.</summary>
    /// <param name="index">The scale's position.</param>
    /// <returns>The scale's writer.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a scale's position.</exception>
    public IChunkedArrayWriter OpenScale(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Scales.Count);
        var scale = Scales[index];
        var scalePath = StoreKey.Join(Path, scale.Key);
        var summary = _options.Compress ? $"{PrecomputedEncodings.Raw}, gzip files" : PrecomputedEncodings.Raw;
        var grid = new PrecomputedChunkGrid(scale, scalePath, _info.DataType, _info.NumChannels, $"{Store.Location}/{scalePath}", summary);
        return new PrecomputedScaleWriter(Store, grid, _options.Compress, _options.CompressionLevel);
    }

    private static bool DescribesSameVolume(byte[] existing, byte[] serialized, string location)
    {
        try
        {
            return PrecomputedInfo.Parse(existing, location).Serialize().AsSpan().SequenceEqual(serialized);
        }
        catch (Exception exception) when (exception is VolumeFormatException or NotSupportedException)
        {
            return false;
        }
    }
}
