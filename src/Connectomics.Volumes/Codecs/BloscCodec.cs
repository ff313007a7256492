using System.Globalization;

namespace Connectomics.Volumes.Codecs;

/// <summary>
/// A managed Blosc 1 codec: Zarr v2's <c>blosc</c> compressor and Zarr v3's <c>blosc</c> codec. Decoding reads every frame
/// C-Blosc 1.x writes, whatever this instance was built with: the compressor (BloscLZ, LZ4, LZ4HC, Snappy, zlib,
/// zstd) and the shuffle come from the frame's header, never from the settings. Encoding writes LZ4, LZ4HC, zlib or
/// zstd frames that C-Blosc reads.
/// </summary>
/// <remarks>Stateless and thread-safe. Large frames decode their blocks in parallel.</remarks>
public sealed class BloscCodec : IBytesCodec
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="compressor">The compressor used when encoding.</param>
    /// <param name="level">The compression level, 0 (stored) to 9.</param>
    /// <param name="shuffle">The filter applied to each block before compressing.</param>
    /// <param name="blockSize">The block size in bytes, or 0 to choose it as C-Blosc does for the level and codec.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public BloscCodec(BloscCompressor compressor = BloscCompressor.Lz4, int level = 5, BloscShuffle shuffle = BloscShuffle.Byte, int blockSize = 0)
    {
        if (!Enum.IsDefined(compressor))
        {
            throw new ArgumentOutOfRangeException(nameof(compressor), compressor, "Unknown Blosc compressor.");
        }

        if (!Enum.IsDefined(shuffle))
        {
            throw new ArgumentOutOfRangeException(nameof(shuffle), shuffle, "Unknown Blosc shuffle.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 9);
        ArgumentOutOfRangeException.ThrowIfNegative(blockSize);
        Compressor = compressor;
        Level = level;
        Shuffle = shuffle;
        BlockSize = blockSize;
    }

    /// <summary>Gets the compressor used when encoding.</summary>
    public BloscCompressor Compressor { get; }

    /// <summary>Gets the compression level used when encoding.</summary>
    public int Level { get; }

    /// <summary>Gets the filter used when encoding.</summary>
    public BloscShuffle Shuffle { get; }

    /// <summary>Gets the block size used when encoding (0: chosen as C-Blosc does).</summary>
    public int BlockSize { get; }

    /// <summary>Gets whether this instance can encode (BloscLZ and Snappy are decode only).</summary>
    public bool CanEncode => Compressor is not (BloscCompressor.BloscLz or BloscCompressor.Snappy);

    /// <inheritdoc/>
    public string Name => "blosc";

    /// <inheritdoc/>
    public string Description
    {
        get
        {
            var shuffle = ShuffleName(Shuffle);
            var blocks = BlockSize > 0 ? string.Create(CultureInfo.InvariantCulture, $", blocksize {BlockSize}") : string.Empty;
            return string.Create(CultureInfo.InvariantCulture, $"blosc({CompressorName(Compressor)}, level {Level}, {shuffle}{blocks})");
        }
    }

    /// <summary>Gets the name numcodecs and Zarr v3 give a compressor (<c>blosclz</c>, <c>lz4</c>, <c>lz4hc</c>,
    /// <c>snappy</c>, <c>zlib</c>, <c>zstd</c>).</summary>
    /// <param name="compressor">The compressor.</param>
    /// <returns>Its <c>cname</c>.</returns>
    public static string CompressorName(BloscCompressor compressor) => compressor switch
    {
        BloscCompressor.BloscLz => "blosclz",
        BloscCompressor.Lz4 => "lz4",
        BloscCompressor.Lz4Hc => "lz4hc",
        BloscCompressor.Snappy => "snappy",
        BloscCompressor.Zlib => "zlib",
        BloscCompressor.Zstd => "zstd",
        _ => throw new ArgumentOutOfRangeException(nameof(compressor), compressor, "Not a Blosc compressor."),
    };

    /// <summary>Parses a <c>cname</c> as numcodecs and Zarr v3 spell it.</summary>
    /// <param name="name">The name, e.g. <c>lz4</c>.</param>
    /// <param name="compressor">The compressor, when the name is known.</param>
    /// <returns>Whether the name is known.</returns>
    public static bool TryParseCompressorName(string? name, out BloscCompressor compressor)
    {
        BloscCompressor? parsed = name switch
        {
            "blosclz" => BloscCompressor.BloscLz,
            "lz4" => BloscCompressor.Lz4,
            "lz4hc" => BloscCompressor.Lz4Hc,
            "snappy" => BloscCompressor.Snappy,
            "zlib" => BloscCompressor.Zlib,
            "zstd" => BloscCompressor.Zstd,
            _ => null,
        };
        compressor = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }

    /// <summary>Gets the name Zarr v3 and the codec's description give a shuffle (<c>noshuffle</c>, <c>shuffle</c>,
    /// <c>bitshuffle</c>).</summary>
    /// <param name="shuffle">The shuffle.</param>
    /// <returns>Its name.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shuffle"/> is not a Blosc shuffle.</exception>
    internal static string ShuffleName(BloscShuffle shuffle) => shuffle switch
    {
        BloscShuffle.None => "noshuffle",
        BloscShuffle.Byte => "shuffle",
        BloscShuffle.Bit => "bitshuffle",
        _ => throw new ArgumentOutOfRangeException(nameof(shuffle), shuffle, "Not a Blosc shuffle."),
    };

    /// <summary>Parses a shuffle's name as Zarr v3 spells it.</summary>
    /// <param name="name">The name, e.g. <c>bitshuffle</c>.</param>
    /// <param name="shuffle">The shuffle, when the name is known.</param>
    /// <returns>Whether the name is known.</returns>
    internal static bool TryParseShuffleName(string? name, out BloscShuffle shuffle)
    {
        BloscShuffle? parsed = name switch
        {
            "noshuffle" => BloscShuffle.None,
            "shuffle" => BloscShuffle.Byte,
            "bitshuffle" => BloscShuffle.Bit,
            _ => null,
        };
        shuffle = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }

    /// <inheritdoc/>
    public byte[] Decode(ReadOnlySpan<byte> encoded, int decodedLength) => BloscDecoder.Decode(encoded, decodedLength);

    /// <inheritdoc/>
    public byte[] Encode(ReadOnlySpan<byte> decoded, int elementSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(elementSize, 1);
        if (!CanEncode)
        {
            throw new NotSupportedException($"blosc: encoding with {CompressorName(Compressor)} is not supported; it is decoded only (encode with lz4, lz4hc, zlib or zstd).");
        }

        if (decoded.Length > int.MaxValue - BloscHeader.Length)
        {
            throw new ArgumentException($"blosc: {decoded.Length} bytes exceed the largest Blosc 1 buffer.", nameof(decoded));
        }

        return BloscEncoder.Encode(decoded, elementSize, Compressor, Level, Shuffle, BlockSize);
    }
}
