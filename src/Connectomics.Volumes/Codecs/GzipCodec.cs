using System.Globalization;
using System.IO.Compression;

namespace Connectomics.Volumes.Codecs;

/// <summary>
/// The gzip codec (RFC 1952): Zarr v2's and v3's <c>gzip</c>, and the <c>.gz</c> chunk files of precomputed volumes.
/// Decoding reads every member of a multi-member stream.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public sealed class GzipCodec : IBytesCodec
{
    /// <summary>The complete stream of no bytes: header (no name, no time, unknown OS), one empty final fixed-Huffman block, CRC-32 and size 0. The BCL's stream writes nothing at all for no input.</summary>
    private static readonly byte[] EmptyStream = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

    /// <summary>Initializes a new instance.</summary>
    /// <param name="level">The deflate level, 0 (stored) to 9 (smallest).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is outside 0–9.</exception>
    public GzipCodec(int level = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 9);
        Level = level;
    }

    /// <summary>Gets the deflate level used when encoding.</summary>
    public int Level { get; }

    /// <inheritdoc/>
    public string Name => "gzip";

    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture, $"gzip(level {Level})");

    /// <inheritdoc/>
    public unsafe byte[] Decode(ReadOnlySpan<byte> encoded, int decodedLength)
    {
        if (encoded.IsEmpty)
        {
            throw new InvalidDataException("gzip: an empty buffer holds no stream.");
        }

        fixed (byte* pointer = encoded)
        {
            using var input = new UnmanagedMemoryStream(pointer, encoded.Length);
            using var inflater = new GZipStream(input, CompressionMode.Decompress);
            return DecodedStreamReader.ReadToEnd(inflater, decodedLength, Name);
        }
    }

    /// <inheritdoc/>
    public byte[] Encode(ReadOnlySpan<byte> decoded, int elementSize)
    {
        if (decoded.IsEmpty)
        {
            return [.. EmptyStream];
        }

        using var output = new MemoryStream((decoded.Length / 2) + 64);
        using (var deflater = new GZipStream(output, new ZLibCompressionOptions { CompressionLevel = Level }, leaveOpen: true))
        {
            deflater.Write(decoded);
        }

        return output.ToArray();
    }
}
