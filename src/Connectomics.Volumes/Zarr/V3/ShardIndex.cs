using System.Buffers.Binary;
using Connectomics.Volumes.Codecs;

namespace Connectomics.Volumes.Zarr.V3;

/// <summary>
/// The decoded index of one shard: for each inner chunk in C order, the offset and length of its bytes in the shard,
/// or both 2⁶⁴−1 when the inner chunk is not stored.
/// </summary>
internal sealed class ShardIndex
{
    /// <summary>The value that marks an inner chunk as not stored, in both fields.</summary>
    public const ulong Empty = ulong.MaxValue;

    private readonly ulong[] _entries;

    public ShardIndex(ulong[] entries)
    {
        _entries = entries;
    }

    /// <summary>Gets the number of inner chunks.</summary>
    public int Count => _entries.Length / 2;

    /// <summary>Gets the byte count of the index when held in memory (for cache accounting).</summary>
    public long MemoryBytes => _entries.LongLength * sizeof(ulong);

    /// <summary>Gets where inner chunk <paramref name="position"/> (C-order position in the shard) is, or null when not stored.</summary>
    public (long Offset, long Length)? this[int position]
    {
        get
        {
            var offset = _entries[2 * position];
            var length = _entries[(2 * position) + 1];
            return offset == Empty && length == Empty ? null : ((long)offset, (long)length);
        }
    }

    /// <summary>Decodes and checks an index read from a shard.</summary>
    /// <exception cref="InvalidDataException">The index is truncated, fails its CRC-32C, or has an entry that cannot be.</exception>
    public static ShardIndex Decode(ReadOnlySpan<byte> encoded, int innerChunkCount, ShardingCodec codec)
    {
        var size = codec.IndexByteCount(innerChunkCount);
        if (encoded.Length != size)
        {
            throw new InvalidDataException($"the shard index is truncated: {encoded.Length} bytes where {size} were expected ({innerChunkCount} inner chunks{(codec.IndexChecksum ? " and a crc32c" : string.Empty)})");
        }

        var values = encoded[..(16 * innerChunkCount)];
        if (codec.IndexChecksum)
        {
            var stored = BinaryPrimitives.ReadUInt32LittleEndian(encoded[values.Length..]);
            var computed = Crc32C.Compute(values);
            if (stored != computed)
            {
                throw new InvalidDataException($"the shard index fails its crc32c check (stored 0x{stored:x8}, computed 0x{computed:x8})");
            }
        }

        var entries = new ulong[2 * innerChunkCount];
        for (var i = 0; i < entries.Length; i++)
        {
            var slice = values.Slice(8 * i, 8);
            entries[i] = codec.IndexEndian == ByteOrder.Big ? BinaryPrimitives.ReadUInt64BigEndian(slice) : BinaryPrimitives.ReadUInt64LittleEndian(slice);
        }

        long minimumOffset = codec.IndexLocation == ShardIndexLocation.Start ? size : 0;
        for (var position = 0; position < innerChunkCount; position++)
        {
            var offset = entries[2 * position];
            var length = entries[(2 * position) + 1];
            if (offset == Empty && length == Empty)
            {
                continue;
            }

            if (offset == Empty || length == Empty || offset > long.MaxValue || length > int.MaxValue || (long)offset < minimumOffset || (long)offset > long.MaxValue - (long)length)
            {
                throw new InvalidDataException($"the shard index entry of inner chunk {position} is impossible (offset {offset}, length {length})");
            }
        }

        return new ShardIndex(entries);
    }

    /// <summary>Encodes an index: the (offset, length) pairs, then the CRC-32C when the codec asks for one.</summary>
    public static byte[] Encode(ReadOnlySpan<ulong> entries, ShardingCodec codec)
    {
        var encoded = new byte[codec.IndexByteCount(entries.Length / 2)];
        for (var i = 0; i < entries.Length; i++)
        {
            var slice = encoded.AsSpan(8 * i, 8);
            if (codec.IndexEndian == ByteOrder.Big)
            {
                BinaryPrimitives.WriteUInt64BigEndian(slice, entries[i]);
            }
            else
            {
                BinaryPrimitives.WriteUInt64LittleEndian(slice, entries[i]);
            }
        }

        if (codec.IndexChecksum)
        {
            var values = encoded.AsSpan(0, 8 * entries.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(encoded.AsSpan(values.Length), Crc32C.Compute(values));
        }

        return encoded;
    }
}
