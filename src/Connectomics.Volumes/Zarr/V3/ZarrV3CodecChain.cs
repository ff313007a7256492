using Connectomics.Volumes.Codecs;

namespace Connectomics.Volumes.Zarr.V3;

/// <summary>
/// A parsed Zarr v3 codec pipeline: array-to-array <c>transpose</c>s, one array-to-bytes codec (<c>bytes</c>, or
/// <c>sharding_indexed</c> described by <see cref="Sharding"/>), then bytes-to-bytes codecs. Decoding yields the chunk's
/// little-endian elements in C order; encoding is the reverse.
/// </summary>
internal sealed class ZarrV3CodecChain
{
    public ZarrV3CodecChain(IReadOnlyList<int[]> transposes, ByteOrder endian, ShardingCodec? sharding, IReadOnlyList<IBytesCodec> bytesCodecs, string summary)
    {
        Transposes = transposes;
        Endian = endian;
        Sharding = sharding;
        BytesCodecs = bytesCodecs;
        Summary = summary;
    }

    /// <summary>Gets the axis orders of the transposes, in encoding order.</summary>
    public IReadOnlyList<int[]> Transposes { get; }

    /// <summary>Gets the byte order of the <c>bytes</c> codec.</summary>
    public ByteOrder Endian { get; }

    /// <summary>Gets the sharding codec when the array-to-bytes codec is <c>sharding_indexed</c>.</summary>
    public ShardingCodec? Sharding { get; }

    /// <summary>Gets the bytes-to-bytes codecs, in encoding order.</summary>
    public IReadOnlyList<IBytesCodec> BytesCodecs { get; }

    /// <summary>Gets the pipeline described for people.</summary>
    public string Summary { get; }

    /// <summary>Decodes one chunk (not a shard) of <paramref name="chunkShape"/>.</summary>
    /// <exception cref="InvalidDataException">A codec failed, or the bytes are not the chunk's size.</exception>
    public byte[] Decode(byte[] encoded, ReadOnlySpan<int> chunkShape, int elementSize)
    {
        var expected = ByteCount(chunkShape, elementSize);
        var bytes = encoded;
        for (var i = BytesCodecs.Count - 1; i >= 0; i--)
        {
            bytes = BytesCodecs[i].Decode(bytes, i == 0 && expected <= int.MaxValue ? (int)expected : -1);
        }

        if (bytes.LongLength != expected)
        {
            throw new InvalidDataException($"the chunk decodes to {bytes.LongLength} bytes, but {expected} were expected for its shape and data type");
        }

        if (ReferenceEquals(bytes, encoded) && (Endian == ByteOrder.Big || Transposes.Count > 0))
        {
            bytes = (byte[])bytes.Clone();
        }

        if (Endian == ByteOrder.Big)
        {
            ElementEndianness.ReverseInPlace(bytes, elementSize);
        }

        if (Transposes.Count == 0)
        {
            return bytes;
        }

        // The stored shape after each transpose, then undo them last to first.
        var shapes = new int[Transposes.Count + 1][];
        shapes[0] = chunkShape.ToArray();
        for (var t = 0; t < Transposes.Count; t++)
        {
            shapes[t + 1] = Permuted(shapes[t], Transposes[t]);
        }

        var scratch = new byte[bytes.Length];
        for (var t = Transposes.Count - 1; t >= 0; t--)
        {
            ElementTranspose.Permute(bytes, scratch, shapes[t + 1], ElementTranspose.Inverse(Transposes[t]), elementSize);
            (bytes, scratch) = (scratch, bytes);
        }

        return bytes;
    }

    /// <summary>Encodes one chunk (not a shard) of <paramref name="chunkShape"/>.</summary>
    public byte[] Encode(ReadOnlySpan<byte> decoded, ReadOnlySpan<int> chunkShape, int elementSize)
    {
        byte[] bytes;
        if (Transposes.Count == 0)
        {
            bytes = decoded.ToArray();
        }
        else
        {
            bytes = decoded.ToArray();
            var scratch = new byte[bytes.Length];
            var shape = chunkShape.ToArray();
            foreach (var order in Transposes)
            {
                ElementTranspose.Permute(bytes, scratch, shape, order, elementSize);
                (bytes, scratch) = (scratch, bytes);
                shape = Permuted(shape, order);
            }
        }

        if (Endian == ByteOrder.Big)
        {
            ElementEndianness.ReverseInPlace(bytes, elementSize);
        }

        foreach (var codec in BytesCodecs)
        {
            bytes = codec.Encode(bytes, elementSize);
        }

        return bytes;
    }

    public static long ByteCount(ReadOnlySpan<int> shape, int elementSize)
    {
        long count = elementSize;
        foreach (var extent in shape)
        {
            count = checked(count * extent);
        }

        return count;
    }

    private static int[] Permuted(int[] shape, int[] order)
    {
        var result = new int[shape.Length];
        for (var axis = 0; axis < shape.Length; axis++)
        {
            result[axis] = shape[order[axis]];
        }

        return result;
    }
}
