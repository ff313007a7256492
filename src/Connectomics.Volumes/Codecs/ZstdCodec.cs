using System.Globalization;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Connectomics.Volumes.Codecs;

/// <summary>
/// The Zstandard codec (RFC 8878): Zarr v2's and v3's <c>zstd</c>. Frames written without a content size (as
/// TensorStore writes them) decode into the caller's decoded length when given, else by streaming.
/// </summary>
/// <remarks>Thread-safe: each thread keeps its own compression and decompression contexts.</remarks>
public sealed class ZstdCodec : IBytesCodec
{
    [ThreadStatic]
    private static Decompressor? t_decompressor;

    [ThreadStatic]
    private static Compressor? t_compressor;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="level">The compression level, -131072 (fastest) to 22 (smallest); 0 is Zstandard's default (3).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is outside Zstandard's range.</exception>
    public ZstdCodec(int level = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(level, Compressor.MinCompressionLevel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, Compressor.MaxCompressionLevel);
        Level = level;
    }

    /// <summary>Gets the compression level used when encoding.</summary>
    public int Level { get; }

    /// <inheritdoc/>
    public string Name => "zstd";

    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture, $"zstd(level {Level})");

    /// <inheritdoc/>
    public byte[] Decode(ReadOnlySpan<byte> encoded, int decodedLength) => DecodeFrames(encoded, decodedLength, Name);

    /// <inheritdoc/>
    public byte[] Encode(ReadOnlySpan<byte> decoded, int elementSize) => EncodeFrame(decoded, Level);

    /// <summary>Compresses <paramref name="decoded"/> into one frame that records its content size.</summary>
    internal static byte[] EncodeFrame(ReadOnlySpan<byte> decoded, int level)
    {
        var compressor = t_compressor ??= new Compressor();
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_compressionLevel, level);
        var buffer = new byte[Compressor.GetCompressBound(decoded.Length)];
        var written = compressor.Wrap(decoded, buffer);
        return written == buffer.Length ? buffer : buffer.AsSpan(0, written).ToArray();
    }

    /// <summary>Decompresses into <paramref name="destination"/>, which must be exactly the decoded size.</summary>
    /// <returns>The number of bytes written.</returns>
    internal static int DecodeInto(ReadOnlySpan<byte> encoded, Span<byte> destination, string codecName)
    {
        var decompressor = t_decompressor ??= new Decompressor();
        try
        {
            if (!decompressor.TryUnwrap(encoded, destination, out var written))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{codecName}: the zstd data decodes to more than the {destination.Length} bytes expected."));
            }

            return written;
        }
        catch (ZstdException exception)
        {
            throw new InvalidDataException($"{codecName}: the zstd data does not decompress ({exception.Message}).", exception);
        }
    }

    private static unsafe byte[] DecodeFrames(ReadOnlySpan<byte> encoded, int decodedLength, string codecName)
    {
        if (decodedLength < 0)
        {
            ulong contentSize;
            fixed (byte* source = encoded)
            {
                contentSize = Methods.ZSTD_findDecompressedSize(source, (nuint)encoded.Length);
            }

            if (contentSize == ZstdContentSize.Error)
            {
                throw new InvalidDataException($"{codecName}: not a valid zstd frame sequence ({encoded.Length} bytes).");
            }

            if (contentSize == ZstdContentSize.Unknown)
            {
                fixed (byte* source = encoded)
                {
                    using var input = new UnmanagedMemoryStream(source, encoded.Length);
                    using var stream = new DecompressionStream(input);
                    return DecodedStreamReader.ReadToEnd(stream, -1, codecName);
                }
            }

            if (contentSize > (ulong)Array.MaxLength)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{codecName}: the frames declare {contentSize} decoded bytes, more than an array holds."));
            }

            decodedLength = (int)contentSize;
        }

        var result = GC.AllocateUninitializedArray<byte>(decodedLength);
        var written = DecodeInto(encoded, result, codecName);
        if (written != decodedLength)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{codecName}: the zstd data decodes to {written} bytes, {decodedLength} were expected."));
        }

        return result;
    }

    /// <summary>The sentinels <c>ZSTD_findDecompressedSize</c> returns.</summary>
    private static class ZstdContentSize
    {
        public const ulong Unknown = ulong.MaxValue;
        public const ulong Error = ulong.MaxValue - 1;
    }
}
