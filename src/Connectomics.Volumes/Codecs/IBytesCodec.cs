namespace Connectomics.Volumes.Codecs;

/// <summary>
/// A bytes-to-bytes codec of a chunk: a Zarr v2 compressor, a Zarr v3 bytes-to-bytes codec (blosc, gzip, zstd,
/// crc32c), the gzip of a precomputed chunk file.
/// </summary>
public interface IBytesCodec
{
    /// <summary>Gets the codec's name as its format spells it (<c>blosc</c>, <c>zstd</c>, <c>gzip</c>, <c>zlib</c>, <c>lz4</c>, <c>crc32c</c>).</summary>
    string Name { get; }

    /// <summary>Gets the codec and its settings, described for people (e.g. <c>blosc(lz4, clevel 5, shuffle)</c>).</summary>
    string Description { get; }

    /// <summary>Decodes one chunk.</summary>
    /// <param name="encoded">The stored bytes.</param>
    /// <param name="decodedLength">The number of bytes the chunk decodes to when the caller knows it (Zstd frames
    /// without a content size need it), else -1.</param>
    /// <returns>The decoded bytes.</returns>
    /// <exception cref="InvalidDataException">The bytes are corrupt: a bad header, sizes that disagree, a failed
    /// checksum, a stream that does not decompress; the message says which.</exception>
    byte[] Decode(ReadOnlySpan<byte> encoded, int decodedLength);

    /// <summary>Encodes one chunk.</summary>
    /// <param name="decoded">The chunk's bytes.</param>
    /// <param name="elementSize">The size of one element in bytes (Blosc's type size for shuffling).</param>
    /// <returns>The encoded bytes.</returns>
    /// <exception cref="NotSupportedException">The codec, with these settings, can only decode.</exception>
    byte[] Encode(ReadOnlySpan<byte> decoded, int elementSize);
}
