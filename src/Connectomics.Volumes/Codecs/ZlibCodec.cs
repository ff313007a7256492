using System.Globalization;
using System.IO.Compression;

namespace Connectomics.Volumes.Codecs;

/// <summary>
/// The zlib codec (RFC 1950: a 2-byte header, a deflate stream, an Adler-32 checksum): Zarr v2's <c>zlib</c>
/// compressor, as Python's <c>zlib.compress</c> writes it.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public sealed class ZlibCodec : IBytesCodec
{
    /// <summary>The complete stream of no bytes: header (32K window, default level), one empty final fixed-Huffman block, Adler-32 of nothing. The BCL's stream writes nothing at all for no input.</summary>
    private static readonly byte[] EmptyStream = [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01];

    /// <summary>Initializes a new instance.</summary>
    /// <param name="level">The deflate level, 0 (stored) to 9 (smallest).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is outside 0–9.</exception>
    public ZlibCodec(int level = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 9);
        Level = level;
    }

    /// <summary>Gets the deflate level used when encoding.</summary>
    public int Level { get; }

    /// <inheritdoc/>
    public string Name => "zlib";

    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture, $"zlib(level {Level})");

    /// <inheritdoc/>
    public unsafe byte[] Decode(ReadOnlySpan<byte> encoded, int decodedLength)
    {
        if (encoded.IsEmpty)
        {
            throw new InvalidDataException("zlib: an empty buffer holds no stream.");
        }

        fixed (byte* pointer = encoded)
        {
            using var input = new UnmanagedMemoryStream(pointer, encoded.Length);
            using var inflater = new ZLibStream(input, CompressionMode.Decompress);
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
        using (var deflater = new ZLibStream(output, new ZLibCompressionOptions { CompressionLevel = Level }, leaveOpen: true))
        {
            deflater.Write(decoded);
        }

        return output.ToArray();
    }
}
