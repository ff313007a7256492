using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Zarr.V3;

/// <summary>
/// A Zarr v3 array (<c>zarr.json</c> with <c>node_type</c> <c>array</c>), sharded or not, read one chunk at a time and
/// written one chunk or shard at a time.
/// </summary>
/// <remarks>
/// <para>For a sharded array <see cref="ChunkedArrayInfo.ChunkShape"/> is the inner chunk: a read fetches the shard's
/// index with one range read (a suffix when the index is at the end, a prefix when at the start), keeps it in a small
/// cache of recent indexes, then fetches only the inner chunk's bytes. A write stores a whole shard at once.</para>
/// <para>Instances are safe for concurrent reads, and for concurrent writes of different units.</para>
/// </remarks>
public sealed class ZarrV3Array : IChunkedArray, IChunkedArrayWriter
{
    /// <summary>The number of decoded shard indexes an array keeps.</summary>
    public const int ShardIndexCacheCapacity = 256;

    private readonly IKeyValueStore _store;
    private readonly string _path;
    private readonly ZarrV3ArrayMetadata _metadata;
    private readonly ShardIndexCache? _indexes;
    private readonly int[] _chunksPerShard;
    private readonly int _innerChunkCount;
    private readonly long[] _chunkGrid;
    private readonly long[] _unitGrid;

    private ZarrV3Array(IKeyValueStore store, string path, ZarrV3ArrayMetadata metadata)
    {
        _store = store;
        _path = path;
        _metadata = metadata;
        var sharding = metadata.Codecs.Sharding;
        var chunkShape = sharding?.InnerChunkShape ?? metadata.GridChunkShape;
        _chunksPerShard = [.. metadata.GridChunkShape.Select((extent, axis) => extent / chunkShape[axis])];
        _innerChunkCount = _chunksPerShard.Aggregate(1, (product, count) => checked(product * count));
        _chunkGrid = GridShape(metadata.Shape, chunkShape);
        _unitGrid = GridShape(metadata.Shape, metadata.GridChunkShape);
        if (sharding is not null)
        {
            _indexes = new ShardIndexCache(ShardIndexCacheCapacity);
        }

        Info = new ChunkedArrayInfo
        {
            Format = VolumeFormat.ZarrV3,
            Location = NodeLocation.Of(store, path),
            Shape = metadata.Shape,
            ChunkShape = chunkShape,
            ShardShape = sharding is null ? null : metadata.GridChunkShape,
            DataType = metadata.DataType,
            FillValue = metadata.FillValue,
            DimensionNames = metadata.DimensionNames,
            CodecSummary = metadata.Codecs.Summary,
        };
    }

    /// <inheritdoc/>
    public ChunkedArrayInfo Info { get; }

    /// <summary>Gets the array's user attributes (<c>attributes</c> of <c>zarr.json</c>), a JSON object.</summary>
    public JsonElement Attributes => JsonSerializer.SerializeToElement(_metadata.Attributes);

    /// <summary>Gets where a shard keeps its index, or <see langword="null"/> when the array is not sharded.</summary>
    public ShardIndexLocation? IndexLocation => _metadata.Codecs.Sharding?.IndexLocation;

    /// <summary>Opens the array at <paramref name="path"/> of a store.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The array's path in the store (empty for the store's root).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The array.</returns>
    /// <exception cref="VolumeFormatException"><c>zarr.json</c> is missing (the message names the key looked for), not
    /// JSON, not an array's, or has a missing or inconsistent field.</exception>
    /// <exception cref="VolumeFeatureNotSupportedException">The array uses a data type, codec, grid, key encoding, storage
    /// transformer or extension this package does not read.</exception>
    public static async Task<ZarrV3Array> OpenAsync(IKeyValueStore store, string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(path);
        var key = StoreKey.Join(path, "zarr.json");
        var file = NodeLocation.Of(store, key);
        var bytes = await store.GetAsync(key, cancellationToken).ConfigureAwait(false)
            ?? throw new VolumeFormatException(file, "not found: no Zarr v3 array here (zarr.json is missing)");
        var document = ZarrV3MetadataReader.ParseDocument(bytes, file, "array");
        return new ZarrV3Array(store, StoreKey.Join(path), ZarrV3MetadataReader.ParseArray(document, file));
    }

    /// <summary>Creates an array: writes its <c>zarr.json</c> (replacing any there) and returns it, empty.</summary>
    /// <param name="store">The store.</param>
    /// <param name="path">The array's path in the store (empty for the store's root).</param>
    /// <param name="options">What to write.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The array.</returns>
    /// <exception cref="ArgumentException">The options are inconsistent; the message lists every failure.</exception>
    public static async Task<ZarrV3Array> CreateAsync(IKeyValueStore store, string path, ZarrV3ArrayOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var key = StoreKey.Join(path, "zarr.json");
        var file = NodeLocation.Of(store, key);
        var json = BuildMetadata(options);
        var bytes = Encoding.UTF8.GetBytes(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        ZarrV3ArrayMetadata metadata;
        try
        {
            metadata = ZarrV3MetadataReader.ParseArray(ZarrV3MetadataReader.ParseDocument(bytes, file, "array"), file);
        }
        catch (Exception e) when (e is VolumeFormatException or VolumeFeatureNotSupportedException)
        {
            throw new ArgumentException($"{nameof(ZarrV3ArrayOptions)}: {e.Message}", nameof(options), e);
        }

        await store.PutAsync(key, bytes, cancellationToken).ConfigureAwait(false);
        return new ZarrV3Array(store, StoreKey.Join(path), metadata);
    }

    /// <inheritdoc/>
    public string ChunkKey(ReadOnlySpan<long> chunkIndex)
    {
        CheckIndex(chunkIndex, _chunkGrid, nameof(chunkIndex));
        if (_metadata.Codecs.Sharding is null)
        {
            return StoreKeyOf(chunkIndex);
        }

        Span<long> shard = stackalloc long[chunkIndex.Length];
        var inner = new string[chunkIndex.Length];
        for (var axis = 0; axis < chunkIndex.Length; axis++)
        {
            shard[axis] = chunkIndex[axis] / _chunksPerShard[axis];
            inner[axis] = (chunkIndex[axis] % _chunksPerShard[axis]).ToString(CultureInfo.InvariantCulture);
        }

        return $"{StoreKeyOf(shard)}[{string.Join(',', inner)}]";
    }

    /// <inheritdoc/>
    public async ValueTask<byte[]?> ReadChunkAsync(ReadOnlyMemory<long> chunkIndex, CancellationToken cancellationToken = default)
    {
        CheckIndex(chunkIndex.Span, _chunkGrid, nameof(chunkIndex));
        var sharding = _metadata.Codecs.Sharding;
        var elementSize = _metadata.DataType.ByteSize();
        if (sharding is null)
        {
            var key = StoreKeyOf(chunkIndex.Span);
            var encoded = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            return encoded is null ? null : DecodeChunk(_metadata.Codecs, encoded, _metadata.GridChunkShape, elementSize, chunkIndex);
        }

        var rank = chunkIndex.Length;
        var shardIndex = new long[rank];
        var position = 0;
        for (var axis = 0; axis < rank; axis++)
        {
            var coordinate = chunkIndex.Span[axis];
            shardIndex[axis] = coordinate / _chunksPerShard[axis];
            position = (position * _chunksPerShard[axis]) + (int)(coordinate % _chunksPerShard[axis]);
        }

        var shardKey = StoreKeyOf(shardIndex);
        var index = await _indexes!.GetOrReadAsync(shardKey, k => ReadShardIndexAsync(k, sharding), cancellationToken).ConfigureAwait(false);
        if (index?[position] is not { } entry)
        {
            return null;
        }

        var bytes = await _store.GetRangeAsync(shardKey, ByteRange.FromOffset(entry.Offset, entry.Length), cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            // The shard went away after its index was read: it is being rewritten or removed.
            _indexes.Remove(shardKey);
            throw new IOException($"{Info.Location}, chunk {ChunkKey(chunkIndex.Span)}: the shard disappeared while it was being read.");
        }

        if (bytes.Length != entry.Length)
        {
            _indexes.Remove(shardKey);
            throw new VolumeDataException(Info.Location, ChunkKey(chunkIndex.Span), $"the shard is truncated: the index places the inner chunk at bytes {entry.Offset}..{entry.Offset + entry.Length}, but only {bytes.Length} of them exist");
        }

        return DecodeChunk(sharding.InnerCodecs, bytes, sharding.InnerChunkShape, elementSize, chunkIndex);
    }

    /// <inheritdoc/>
    public async ValueTask WriteUnitAsync(ReadOnlyMemory<long> unitIndex, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var unitShape = _metadata.GridChunkShape;
        CheckIndex(unitIndex.Span, _unitGrid, nameof(unitIndex));
        var elementSize = _metadata.DataType.ByteSize();
        var expected = ZarrV3CodecChain.ByteCount(unitShape, elementSize);
        if (data.Length != expected)
        {
            throw new ArgumentException($"{Info.Location}: a write unit of shape [{string.Join(", ", unitShape)}] holds {expected} bytes, not {data.Length}.", nameof(data));
        }

        var key = StoreKeyOf(unitIndex.Span);
        var sharding = _metadata.Codecs.Sharding;
        var encoded = sharding is null
            ? (ChunkFill.IsAllFill(data.Span, _metadata.FillValue, _metadata.DataType) ? null : _metadata.Codecs.Encode(data.Span, unitShape, elementSize))
            : EncodeShard(unitIndex.Span, data.Span, sharding, elementSize);
        if (encoded is null)
        {
            await _store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _store.PutAsync(key, encoded, cancellationToken).ConfigureAwait(false);
        }

        _indexes?.Remove(key);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Info.Location} (Zarr v3, {Info.DataType}, [{string.Join(", ", Info.Shape)}], {Info.CodecSummary})";

    private static JsonObject BuildMetadata(ZarrV3ArrayOptions options)
    {
        var shape = new JsonArray([.. options.Shape.Select(extent => (JsonNode)extent)]);
        var chunkCodecs = new JsonArray();
        var hasArrayToBytes = options.Codecs.Any(codec => codec.Name == "bytes");
        var inserted = false;
        foreach (var codec in options.Codecs)
        {
            if (!hasArrayToBytes && !inserted && codec.Name != "transpose")
            {
                chunkCodecs.Add(ZarrV3Codec.Bytes().ToJson());
                inserted = true;
            }

            var json = codec.ToJson();
            if (codec.Name == "blosc")
            {
                var configuration = (JsonObject)json["configuration"]!;
                configuration["typesize"] = options.DataType.ByteSize();
            }

            chunkCodecs.Add(json);
        }

        if (!hasArrayToBytes && !inserted)
        {
            chunkCodecs.Add(ZarrV3Codec.Bytes().ToJson());
        }

        JsonArray codecs;
        IReadOnlyList<int> gridChunk;
        if (options.ShardShape is null)
        {
            codecs = chunkCodecs;
            gridChunk = options.ChunkShape;
        }
        else
        {
            var indexCodecs = new JsonArray(ZarrV3Codec.Bytes().ToJson());
            if (options.IndexChecksum)
            {
                indexCodecs.Add(ZarrV3Codec.Crc32c().ToJson());
            }

            codecs =
            [
                new JsonObject
                {
                    ["name"] = "sharding_indexed",
                    ["configuration"] = new JsonObject
                    {
                        ["chunk_shape"] = new JsonArray([.. options.ChunkShape.Select(extent => (JsonNode)extent)]),
                        ["codecs"] = chunkCodecs,
                        ["index_codecs"] = indexCodecs,
                        ["index_location"] = options.IndexLocation == ShardIndexLocation.Start ? "start" : "end",
                    },
                },
            ];
            gridChunk = options.ShardShape;
        }

        var separator = options.ChunkKeySeparator ?? (options.ChunkKeyEncoding == ZarrV3ChunkKeyEncoding.V2 ? '.' : '/');
        var document = new JsonObject
        {
            ["zarr_format"] = 3,
            ["node_type"] = "array",
            ["shape"] = shape,
            ["data_type"] = ZarrV3DataTypes.Name(options.DataType),
            ["chunk_grid"] = new JsonObject
            {
                ["name"] = "regular",
                ["configuration"] = new JsonObject { ["chunk_shape"] = new JsonArray([.. gridChunk.Select(extent => (JsonNode)extent)]) },
            },
            ["chunk_key_encoding"] = new JsonObject
            {
                ["name"] = options.ChunkKeyEncoding == ZarrV3ChunkKeyEncoding.V2 ? "v2" : "default",
                ["configuration"] = new JsonObject { ["separator"] = separator.ToString() },
            },
            ["fill_value"] = ZarrV3FillValue.Format(options.FillValue, options.DataType),
            ["codecs"] = codecs,
            ["attributes"] = options.Attributes?.DeepClone() ?? new JsonObject(),
        };
        if (options.DimensionNames is not null)
        {
            document["dimension_names"] = new JsonArray([.. options.DimensionNames.Select(name => (JsonNode)name)]);
        }

        return document;
    }

    private static long[] GridShape(long[] shape, int[] unitShape) =>
        [.. shape.Select((extent, axis) => (extent + unitShape[axis] - 1) / unitShape[axis])];

    private static void CheckIndex(ReadOnlySpan<long> index, long[] gridShape, string parameter)
    {
        if (index.Length != gridShape.Length)
        {
            throw new ArgumentOutOfRangeException(parameter, $"The index has {index.Length} coordinates; the array has {gridShape.Length} axes.");
        }

        for (var axis = 0; axis < index.Length; axis++)
        {
            if (index[axis] < 0 || index[axis] >= gridShape[axis])
            {
                throw new ArgumentOutOfRangeException(parameter, $"Coordinate {index[axis]} of axis {axis} is outside the grid of {gridShape[axis]}.");
            }
        }
    }

    private byte[] DecodeChunk(ZarrV3CodecChain chain, byte[] encoded, int[] chunkShape, int elementSize, ReadOnlyMemory<long> chunkIndex)
    {
        try
        {
            return chain.Decode(encoded, chunkShape, elementSize);
        }
        catch (InvalidDataException e)
        {
            throw new VolumeDataException(Info.Location, ChunkKey(chunkIndex.Span), e.Message, e);
        }
    }

    /// <summary>Reads a shard's index; shared by concurrent readers of the shard, so no one reader's token cancels it.</summary>
    private async Task<ShardIndex?> ReadShardIndexAsync(string shardKey, ShardingCodec sharding)
    {
        var size = sharding.IndexByteCount(_innerChunkCount);
        var range = sharding.IndexLocation == ShardIndexLocation.End ? ByteRange.Suffix(size) : ByteRange.FromOffset(0, size);
        var bytes = await _store.GetRangeAsync(shardKey, range, CancellationToken.None).ConfigureAwait(false);
        if (bytes is null)
        {
            return null;
        }

        try
        {
            return ShardIndex.Decode(bytes, _innerChunkCount, sharding);
        }
        catch (InvalidDataException e)
        {
            throw new VolumeDataException(Info.Location, shardKey, e.Message, e);
        }
    }

    private byte[]? EncodeShard(ReadOnlySpan<long> shardIndex, ReadOnlySpan<byte> shard, ShardingCodec sharding, int elementSize)
    {
        var rank = shardIndex.Length;
        var inner = sharding.InnerChunkShape;
        var innerBytes = ZarrV3CodecChain.ByteCount(inner, elementSize);
        var buffer = new byte[innerBytes];
        var entries = new ulong[2 * _innerChunkCount];
        var chunks = new byte[_innerChunkCount][];
        Span<int> local = stackalloc int[rank];
        Span<int> start = stackalloc int[rank];
        long total = 0;
        var stored = 0;
        for (var position = 0; position < _innerChunkCount; position++)
        {
            // The inner chunk's place in the shard (C order) and whether any of it lies inside the array.
            var remainder = position;
            var inside = true;
            for (var axis = rank - 1; axis >= 0; axis--)
            {
                local[axis] = remainder % _chunksPerShard[axis];
                remainder /= _chunksPerShard[axis];
                start[axis] = local[axis] * inner[axis];
                if ((shardIndex[axis] * _metadata.GridChunkShape[axis]) + start[axis] >= _metadata.Shape[axis])
                {
                    inside = false;
                }
            }

            entries[2 * position] = ShardIndex.Empty;
            entries[(2 * position) + 1] = ShardIndex.Empty;
            if (!inside)
            {
                continue;
            }

            ChunkRegion.Extract(shard, _metadata.GridChunkShape, start, buffer, inner, elementSize);
            if (ChunkFill.IsAllFill(buffer, _metadata.FillValue, _metadata.DataType))
            {
                continue;
            }

            var encoded = sharding.InnerCodecs.Encode(buffer, inner, elementSize);
            chunks[position] = encoded;
            entries[(2 * position) + 1] = (ulong)encoded.Length;
            total += encoded.Length;
            stored++;
        }

        if (stored == 0)
        {
            return null;
        }

        var indexSize = sharding.IndexByteCount(_innerChunkCount);
        var result = new byte[checked(total + indexSize)];
        long offset = sharding.IndexLocation == ShardIndexLocation.Start ? indexSize : 0;
        for (var position = 0; position < _innerChunkCount; position++)
        {
            if (chunks[position] is { } chunk)
            {
                entries[2 * position] = (ulong)offset;
                chunk.CopyTo(result.AsSpan((int)offset));
                offset += chunk.Length;
            }
        }

        var index = ShardIndex.Encode(entries, sharding);
        index.CopyTo(result.AsSpan(sharding.IndexLocation == ShardIndexLocation.Start ? 0 : (int)total));
        return result;
    }

    private string StoreKeyOf(ReadOnlySpan<long> index)
    {
        var builder = new StringBuilder();
        if (_metadata.KeyEncoding == ZarrV3ChunkKeyEncoding.Default)
        {
            builder.Append('c');
            foreach (var coordinate in index)
            {
                builder.Append(_metadata.KeySeparator).Append(coordinate.ToString(CultureInfo.InvariantCulture));
            }
        }
        else if (index.Length == 0)
        {
            builder.Append('0');
        }
        else
        {
            for (var axis = 0; axis < index.Length; axis++)
            {
                if (axis > 0)
                {
                    builder.Append(_metadata.KeySeparator);
                }

                builder.Append(index[axis].ToString(CultureInfo.InvariantCulture));
            }
        }

        return StoreKey.Join(_path, builder.ToString());
    }
}
