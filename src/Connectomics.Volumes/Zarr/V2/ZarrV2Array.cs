using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Codecs;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Zarr.V2;

/// <summary>
/// A Zarr v2 array (<c>.zarray</c>), read and written one chunk at a time: chunk keys <c>i.j.k</c> or <c>i/j/k</c>
/// under the array's path, each chunk stored whole (edge chunks too), compressed by its compressor, in C or Fortran
/// order and either byte order. Reads return little-endian C-order chunks whatever the layout stored; writes store the
/// layout the metadata says.
/// </summary>
/// <remarks>Instances are immutable and safe to use from several threads at once (reads and writes of different chunks
/// run concurrently; each chunk write is one atomic put).</remarks>
public sealed class ZarrV2Array : IChunkedArray, IChunkedArrayWriter
{
    /// <summary>The name of an array's metadata file.</summary>
    public const string MetadataFileName = ".zarray";

    private readonly IKeyValueStore _store;
    private readonly ZarrV2ArrayMetadata _metadata;
    private readonly byte[] _fill;
    private readonly int _elementSize;
    private readonly int _chunkByteCount;
    private readonly int[] _storedShape;
    private readonly int[] _reversal;

    private ZarrV2Array(IKeyValueStore store, string path, ZarrV2ArrayMetadata metadata, IReadOnlyDictionary<string, JsonElement> attributes)
    {
        _store = store;
        _metadata = metadata;
        Path = path;
        Attributes = attributes;
        _elementSize = metadata.DataType.ByteSize();
        _fill = metadata.FillValue ?? new byte[_elementSize];
        _chunkByteCount = (int)metadata.Chunks.Aggregate((long)_elementSize, (product, extent) => product * extent);
        _storedShape = [.. metadata.Chunks.Reverse()];
        _reversal = ElementTranspose.Reversal(metadata.Chunks.Length);
        var location = NodeLocation.Of(store, path);
        Info = new ChunkedArrayInfo
        {
            Format = VolumeFormat.ZarrV2,
            Location = location,
            Shape = metadata.Shape,
            ChunkShape = metadata.Chunks,
            DataType = metadata.DataType,
            FillValue = _fill,
            DimensionNames = DimensionNamesOf(attributes, metadata.Shape.Length),
            CodecSummary = Summarize(metadata),
        };
    }

    /// <inheritdoc cref="IChunkedArray.Info"/>
    public ChunkedArrayInfo Info { get; }

    /// <summary>Gets the store that holds the array.</summary>
    public IKeyValueStore Store => _store;

    /// <summary>Gets the array's path in the store (empty for an array at the root).</summary>
    public string Path { get; }

    /// <summary>Gets the array's attributes (<c>.zattrs</c>; empty when there is none).</summary>
    public IReadOnlyDictionary<string, JsonElement> Attributes { get; private set; }

    /// <summary>Gets the layout of elements inside stored chunks.</summary>
    public ZarrV2Order Order => _metadata.Order;

    /// <summary>Gets the byte order of stored elements.</summary>
    public ByteOrder ByteOrder => _metadata.ByteOrder;

    /// <summary>Gets the compressor, or <see langword="null"/> when chunks are stored raw.</summary>
    public IBytesCodec? Compressor => _metadata.Compressor;

    /// <summary>Gets the character between chunk indices in chunk keys (<c>.</c> or <c>/</c>).</summary>
    public char DimensionSeparator => _metadata.DimensionSeparator;

    /// <summary>Gets a value indicating whether the metadata gives a fill value (<see langword="false"/> for
    /// <c>"fill_value": null</c>: missing chunks then read as zeros, and every written chunk is stored).</summary>
    public bool HasFillValue => _metadata.FillValue is not null;

    /// <summary>Opens an array: reads its <c>.zarray</c> and <c>.zattrs</c>.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The array's path (empty for an array at the store's root).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The array.</returns>
    /// <exception cref="VolumeFormatException"><c>.zarray</c> is missing (the message names the path looked for), not
    /// JSON, lacks a field or has an invalid one (the message names it).</exception>
    /// <exception cref="VolumeFeatureNotSupportedException">The dtype, compressor or a filter is not supported.</exception>
    public static async Task<ZarrV2Array> OpenAsync(IKeyValueStore store, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        path = ZarrV2Group.NormalizePath(path);
        var key = StoreKey.Join(path, MetadataFileName);
        var bytes = await store.GetAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new VolumeFormatException(NodeLocation.Of(store, key), "no Zarr v2 array here: the file is missing.");
        var metadata = ZarrV2ArrayMetadata.Parse(bytes, NodeLocation.Of(store, key));
        var attributes = await ZarrV2Attributes.ReadAsync(store, path, cancellationToken).ConfigureAwait(false);
        return new ZarrV2Array(store, path, metadata, attributes);
    }

    /// <summary>Opens an array from consolidated metadata, without reading the store.</summary>
    /// <param name="consolidated">The consolidated metadata of a group above the array.</param>
    /// <param name="path">The array's path from the store's root.</param>
    /// <returns>The array.</returns>
    /// <exception cref="VolumeFormatException">The consolidated metadata has no <c>.zarray</c> for the path (the
    /// message names the key looked for), or it is invalid.</exception>
    /// <exception cref="VolumeFeatureNotSupportedException">The dtype, compressor or a filter is not supported.</exception>
    public static ZarrV2Array Open(ZarrV2ConsolidatedMetadata consolidated, string path)
    {
        ArgumentNullException.ThrowIfNull(consolidated);
        path = ZarrV2Group.NormalizePath(path);
        var store = consolidated.Store;
        var key = StoreKey.Join(path, MetadataFileName);
        var consolidatedLocation = NodeLocation.Of(store, StoreKey.Join(consolidated.Path, ZarrV2ConsolidatedMetadata.FileName));
        if (!consolidated.TryGetEntry(key, out var element))
        {
            throw new VolumeFormatException(consolidatedLocation, $"no Zarr v2 array '{path}' here: the entry \"{key}\" is missing.");
        }

        var metadata = ZarrV2ArrayMetadata.Parse(element, $"{consolidatedLocation} [{key}]");
        var attributesKey = StoreKey.Join(path, ZarrV2Attributes.FileName);
        var attributes = consolidated.TryGetEntry(attributesKey, out var attributesElement)
            ? ZarrV2Attributes.FromElement(attributesElement, $"{consolidatedLocation} [{attributesKey}]")
            : ZarrV2Attributes.None;
        return new ZarrV2Array(store, path, metadata, attributes);
    }

    /// <summary>
    /// Creates an array: writes its <c>.zarray</c> (and <c>.zattrs</c> when the options have attributes), and a
    /// <c>.zgroup</c> in every parent path that has none, as zarr-python does. No chunk is written: every chunk reads as
    /// the fill value until written.
    /// </summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The array's path (empty for the store's root).</param>
    /// <param name="options">The array's shape, chunks, element type, layout, fill value and compressor.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>The array.</returns>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    /// <exception cref="InvalidOperationException">An array or group exists at the path already; it is left as it was.</exception>
    /// <exception cref="VolumeFormatException">A parent path is an array.</exception>
    public static async Task<ZarrV2Array> CreateAsync(IKeyValueStore store, string path, ZarrV2ArrayOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        path = ZarrV2Group.NormalizePath(path);
        var fill = options.Validate();
        var key = StoreKey.Join(path, MetadataFileName);
        foreach (var existing in new[] { key, StoreKey.Join(path, ZarrV2Group.MetadataFileName) })
        {
            if (await store.GetAsync(existing, cancellationToken).ConfigureAwait(false) is not null)
            {
                throw new InvalidOperationException($"{NodeLocation.Of(store, existing)} exists: open the node, or remove it before creating an array there.");
            }
        }

        await ZarrV2Group.RequireGroupsAsync(store, path, includeSelf: false, cancellationToken).ConfigureAwait(false);
        var metadata = new ZarrV2ArrayMetadata
        {
            Shape = [.. options.Shape],
            Chunks = [.. options.Chunks],
            DataType = options.DataType,
            ByteOrder = options.ByteOrder,
            Order = options.Order,
            FillValue = fill,
            Compressor = options.Compressor,
            DimensionSeparator = options.DimensionSeparator,
        };
        var attributes = ZarrV2Attributes.None;
        if (options.Attributes is { Count: > 0 })
        {
            attributes = await ZarrV2Attributes.WriteAsync(store, path, options.Attributes, cancellationToken).ConfigureAwait(false);
        }

        await store.PutAsync(key, metadata.ToJson(), cancellationToken).ConfigureAwait(false);
        return new ZarrV2Array(store, path, metadata, attributes);
    }

    /// <summary>Replaces the array's <c>.zattrs</c>.</summary>
    /// <param name="attributes">The attributes.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the attributes are stored.</returns>
    public async ValueTask WriteAttributesAsync(JsonObject attributes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        Attributes = await ZarrV2Attributes.WriteAsync(_store, Path, attributes, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public string ChunkKey(ReadOnlySpan<long> chunkIndex)
    {
        var shape = _metadata.Shape;
        if (chunkIndex.Length != shape.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkIndex), $"The chunk index has {chunkIndex.Length} coordinates; {Info.Location} has {shape.Length} axes.");
        }

        var builder = new StringBuilder(Path.Length + 1 + (chunkIndex.Length * 4));
        if (Path.Length > 0)
        {
            builder.Append(Path).Append('/');
        }

        if (chunkIndex.Length == 0)
        {
            return builder.Append('0').ToString();
        }

        for (var axis = 0; axis < chunkIndex.Length; axis++)
        {
            var chunks = (shape[axis] + _metadata.Chunks[axis] - 1) / _metadata.Chunks[axis];
            if (chunkIndex[axis] < 0 || chunkIndex[axis] >= chunks)
            {
                throw new ArgumentOutOfRangeException(nameof(chunkIndex), $"Chunk coordinate {chunkIndex[axis]} on axis {axis} is outside the grid of {chunks} chunks of {Info.Location}.");
            }

            if (axis > 0)
            {
                builder.Append(_metadata.DimensionSeparator);
            }

            builder.Append(chunkIndex[axis].ToString(CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    /// <inheritdoc/>
    public async ValueTask<byte[]?> ReadChunkAsync(ReadOnlyMemory<long> chunkIndex, CancellationToken cancellationToken = default)
    {
        var key = ChunkKey(chunkIndex.Span);
        var encoded = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return encoded is null ? null : Decode(encoded, key);
    }

    /// <inheritdoc/>
    public async ValueTask WriteUnitAsync(ReadOnlyMemory<long> unitIndex, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var key = ChunkKey(unitIndex.Span);
        if (data.Length != _chunkByteCount)
        {
            throw new ArgumentException($"Chunk {key} of {Info.Location} is {_chunkByteCount} bytes; {data.Length} were given.", nameof(data));
        }

        var encoded = Encode(unitIndex.Span, data);
        if (encoded is null)
        {
            await _store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _store.PutAsync(key, encoded, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Decodes a stored chunk into little-endian C order.</summary>
    private byte[] Decode(byte[] encoded, string key)
    {
        byte[] decoded;
        if (_metadata.Compressor is { } compressor)
        {
            try
            {
                decoded = compressor.Decode(encoded, _chunkByteCount);
            }
            catch (InvalidDataException error)
            {
                throw new VolumeDataException(Info.Location, key, $"{compressor.Description} cannot decode the {encoded.Length} stored bytes: {error.Message}", error);
            }
        }
        else
        {
            decoded = encoded;
        }

        if (decoded.Length != _chunkByteCount)
        {
            throw new VolumeDataException(
                Info.Location,
                key,
                $"decodes to {decoded.Length} bytes; a [{string.Join(", ", _metadata.Chunks)}] chunk of {NumPyTypeString.Format(_metadata.DataType, _metadata.ByteOrder)} is {_chunkByteCount}.");
        }

        if (_metadata.ByteOrder == ByteOrder.Big)
        {
            ElementEndianness.ReverseInPlace(decoded, _elementSize);
        }

        if (_metadata.Order == ZarrV2Order.F && _metadata.Chunks.Length > 1)
        {
            var ordered = GC.AllocateUninitializedArray<byte>(_chunkByteCount);
            ElementTranspose.Permute(decoded, ordered, _storedShape, _reversal, _elementSize);
            decoded = ordered;
        }

        return decoded;
    }

    /// <summary>Encodes a chunk as stored, or returns <see langword="null"/> when it is all fill and is not to be stored.</summary>
    private byte[]? Encode(ReadOnlySpan<long> chunkIndex, ReadOnlyMemory<byte> data)
    {
        var chunk = data.Span;
        byte[]? owned = null;
        var rank = _metadata.Chunks.Length;
        Span<int> valid = stackalloc int[rank];
        var isEdge = false;
        for (var axis = 0; axis < rank; axis++)
        {
            var extent = _metadata.Chunks[axis];
            valid[axis] = (int)Math.Min(extent, _metadata.Shape[axis] - (chunkIndex[axis] * extent));
            isEdge |= valid[axis] < extent;
        }

        if (isEdge)
        {
            // Past the array's edge an edge chunk holds the fill value, as zarr-python stores it.
            owned = chunk.ToArray();
            ChunkFill.FillOutside(owned, _metadata.Chunks, valid, _fill);
            chunk = owned;
        }

        if (_metadata.FillValue is not null && ChunkFill.IsAllFill(chunk, _fill, _metadata.DataType))
        {
            return null;
        }

        if (_metadata.Order == ZarrV2Order.F && rank > 1)
        {
            var fortran = GC.AllocateUninitializedArray<byte>(_chunkByteCount);
            ElementTranspose.Permute(chunk, fortran, _metadata.Chunks, _reversal, _elementSize);
            owned = fortran;
            chunk = owned;
        }

        if (_metadata.ByteOrder == ByteOrder.Big && _elementSize > 1)
        {
            owned ??= chunk.ToArray();
            ElementEndianness.ReverseInPlace(owned, _elementSize);
            chunk = owned;
        }

        return _metadata.Compressor is { } compressor
            ? compressor.Encode(chunk, _elementSize)
            : owned ?? chunk.ToArray();
    }

    private static List<string>? DimensionNamesOf(IReadOnlyDictionary<string, JsonElement> attributes, int rank)
    {
        // xarray's convention, which TensorStore and OME tools read too.
        if (!attributes.TryGetValue("_ARRAY_DIMENSIONS", out var names) || names.ValueKind != JsonValueKind.Array || names.GetArrayLength() != rank)
        {
            return null;
        }

        var result = new List<string>(rank);
        foreach (var name in names.EnumerateArray())
        {
            if (name.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            result.Add(name.GetString()!);
        }

        return result;
    }

    private static string Summarize(ZarrV2ArrayMetadata metadata)
    {
        var parts = new List<string> { metadata.Compressor?.Description ?? "raw" };
        if (metadata.Order == ZarrV2Order.F)
        {
            parts.Add("F order");
        }

        if (metadata.ByteOrder == ByteOrder.Big && metadata.DataType.ByteSize() > 1)
        {
            parts.Add("big-endian");
        }

        return string.Join(", ", parts);
    }
}
