using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Engine;

namespace Connectomics.Volumes.Codecs;

/// <summary>
/// Writes Blosc 1 frames that C-Blosc 1.x reads, with C-Blosc's choices: its block size for the level and codec
/// (<c>compute_blocksize</c>), its split rule (one stream per byte of the type for every codec but zstd, when the type
/// is at most 16 bytes and a block holds at least 128 elements), streams stored raw when they do not shrink, and a
/// whole frame stored uncompressed (memcpyed) for level 0, inputs under 128 bytes, or data that does not fit in
/// <c>nbytes + 16</c> bytes.
/// </summary>
internal static class BloscEncoder
{
    private const int L1 = 32 * 1024;
    private const int MinBufferSize = 128;
    private const int MaxSplits = 16;

    /// <summary>Encodes <paramref name="decoded"/> into one frame.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> decoded, int elementSize, BloscCompressor compressor, int level, BloscShuffle shuffle, int forcedBlockSize)
    {
        var typeSize = elementSize is < 1 or > 255 ? 1 : elementSize;
        var decodedSize = decoded.Length;
        var blockSize = ComputeBlockSize(compressor, level, typeSize, decodedSize, forcedBlockSize);
        var format = FormatOf(compressor);
        var dontSplit = !Splits(compressor, typeSize, blockSize);
        var flags = (byte)((format << 5) | (dontSplit ? BloscHeader.DontSplitFlag : 0)
            | (shuffle == BloscShuffle.Byte ? BloscHeader.ByteShuffleFlag : 0)
            | (shuffle == BloscShuffle.Bit ? BloscHeader.BitShuffleFlag : 0));
        if (level > 0 && decodedSize >= MinBufferSize)
        {
            var frame = TryCompress(decoded, typeSize, blockSize, flags, compressor, level);
            if (frame is not null)
            {
                return frame;
            }
        }

        var stored = GC.AllocateUninitializedArray<byte>(decodedSize + BloscHeader.Length);
        new BloscHeader(BloscHeader.FormatVersion, BloscHeader.StreamFormatVersion, (byte)(flags | BloscHeader.MemcpyedFlag), typeSize, decodedSize, blockSize, stored.Length).Write(stored);
        decoded.CopyTo(stored.AsSpan(BloscHeader.Length));
        return stored;
    }

    /// <summary>C-Blosc 1.x's <c>compute_blocksize</c>.</summary>
    internal static int ComputeBlockSize(BloscCompressor compressor, int level, int typeSize, int decodedSize, int forcedBlockSize)
    {
        if (decodedSize < typeSize)
        {
            return 1;
        }

        var blockSize = decodedSize;
        var highRatio = compressor is BloscCompressor.Lz4Hc or BloscCompressor.Zlib or BloscCompressor.Zstd;
        if (forcedBlockSize > 0)
        {
            blockSize = Math.Clamp(forcedBlockSize, MinBufferSize, BloscHeader.MaxBlockSize);
        }
        else if (decodedSize >= L1)
        {
            blockSize = highRatio ? 2 * L1 : L1;
            blockSize = level switch
            {
                0 => blockSize / 4,
                1 => blockSize / 2,
                2 => blockSize,
                3 => blockSize * 2,
                4 or 5 => blockSize * 4,
                6 or 7 or 8 => blockSize * 8,
                _ => blockSize * (highRatio ? 16 : 8),
            };
        }

        if (level > 0 && Splits(compressor, typeSize, blockSize))
        {
            blockSize = Math.Min(blockSize, 1 << 18) * typeSize;
            blockSize = Math.Clamp(blockSize, 1 << 16, 1 << 20);
        }

        blockSize = Math.Min(blockSize, decodedSize);
        return blockSize > typeSize ? blockSize / typeSize * typeSize : blockSize;
    }

    /// <summary>C-Blosc 1.x's default (forward-compatible) split rule.</summary>
    internal static bool Splits(BloscCompressor compressor, int typeSize, int blockSize) =>
        compressor != BloscCompressor.Zstd && typeSize <= MaxSplits && blockSize / typeSize >= MinBufferSize;

    private static int FormatOf(BloscCompressor compressor) => compressor switch
    {
        BloscCompressor.BloscLz => 0,
        BloscCompressor.Lz4 or BloscCompressor.Lz4Hc => 1,
        BloscCompressor.Snappy => 2,
        BloscCompressor.Zlib => 3,
        _ => 4,
    };

    /// <summary>Compresses every block; null when the frame would not fit in <c>nbytes + 16</c> bytes.</summary>
    private static byte[]? TryCompress(ReadOnlySpan<byte> decoded, int typeSize, int blockSize, byte flags, BloscCompressor compressor, int level)
    {
        var decodedSize = decoded.Length;
        var blockCount = (decodedSize + blockSize - 1) / blockSize;
        var capacity = decodedSize + BloscHeader.Length;
        var frame = GC.AllocateUninitializedArray<byte>(capacity);
        var written = BloscHeader.Length + (blockCount * sizeof(int));
        if (written > capacity)
        {
            return null;
        }

        var dontSplit = (flags & BloscHeader.DontSplitFlag) != 0;
        var byteShuffle = (flags & BloscHeader.ByteShuffleFlag) != 0;
        var bitShuffle = (flags & BloscHeader.BitShuffleFlag) != 0;
        var scratch = ArrayPool<byte>.Shared.Rent((2 * blockSize) + LZ4Codec.MaximumOutputSize(blockSize) + 1024);
        try
        {
            for (var block = 0; block < blockCount; block++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(BloscHeader.Length + (block * sizeof(int))), written);
                var isLeftover = block == blockCount - 1 && decodedSize % blockSize != 0;
                var size = isLeftover ? decodedSize % blockSize : blockSize;
                var source = decoded.Slice(block * blockSize, size);
                if (byteShuffle && typeSize > 1)
                {
                    ByteShuffle.Shuffle(source, scratch.AsSpan(0, size), typeSize);
                    source = scratch.AsSpan(0, size);
                }
                else if (bitShuffle && size >= typeSize)
                {
                    BitShuffle.Shuffle(source, scratch.AsSpan(0, size), typeSize, scratch.AsSpan(blockSize, size));
                    source = scratch.AsSpan(0, size);
                }

                var streamCount = !dontSplit && !isLeftover ? typeSize : 1;
                var streamSize = size / streamCount;
                var compressed = scratch.AsSpan(2 * blockSize);
                for (var stream = 0; stream < streamCount; stream++)
                {
                    var sizeAt = written;
                    written += sizeof(int);
                    var room = capacity - written;
                    if (room <= 0)
                    {
                        return null;
                    }

                    var input = source.Slice(stream * streamSize, streamSize);
                    var length = CompressStream(compressor, level, input, compressed);
                    if (length > 0 && length < streamSize && length <= room)
                    {
                        compressed[..length].CopyTo(frame.AsSpan(written));
                    }
                    else
                    {
                        if (streamSize > room)
                        {
                            return null;
                        }

                        input.CopyTo(frame.AsSpan(written));
                        length = streamSize;
                    }

                    BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(sizeAt), length);
                    written += length;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }

        new BloscHeader(BloscHeader.FormatVersion, BloscHeader.StreamFormatVersion, flags, typeSize, decodedSize, blockSize, written).Write(frame);
        return written == capacity ? frame : frame.AsSpan(0, written).ToArray();
    }

    /// <summary>Compresses one stream into <paramref name="output"/>; returns its length (0 when it failed).</summary>
    private static unsafe int CompressStream(BloscCompressor compressor, int level, ReadOnlySpan<byte> input, Span<byte> output)
    {
        switch (compressor)
        {
            case BloscCompressor.Lz4:
                {
                    // C-Blosc maps the level to LZ4's acceleration.
                    var acceleration = 10 - level;
                    if (acceleration <= 1)
                    {
                        return Math.Max(0, LZ4Codec.Encode(input, output, LZ4Level.L00_FAST));
                    }

                    using var context = new Pubternal.FastContext();
                    fixed (byte* source = input)
                    fixed (byte* target = output)
                    {
                        return Math.Max(0, Pubternal.CompressFast(context, source, target, input.Length, output.Length, acceleration));
                    }
                }

            case BloscCompressor.Lz4Hc:
                return Math.Max(0, LZ4Codec.Encode(input, output, (LZ4Level)Math.Clamp(level, 3, 12)));
            case BloscCompressor.Zlib:
                return CompressZlib(input, output, level);
            case BloscCompressor.Zstd:
                {
                    // C-Blosc's mapping: 2·level − 1 below 9, zstd's maximum at 9.
                    var zstdLevel = level < 9 ? (2 * level) - 1 : 22;
                    var frame = ZstdCodec.EncodeFrame(input, zstdLevel);
                    if (frame.Length > output.Length)
                    {
                        return 0;
                    }

                    frame.CopyTo(output);
                    return frame.Length;
                }

            default:
                throw new NotSupportedException($"blosc: encoding with {compressor} is not supported (decode only).");
        }
    }

    private static int CompressZlib(ReadOnlySpan<byte> input, Span<byte> output, int level)
    {
        using var buffer = new MemoryStream(input.Length + 64);
        using (var deflater = new ZLibStream(buffer, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true))
        {
            deflater.Write(input);
        }

        if (buffer.Length > output.Length)
        {
            return 0;
        }

        buffer.GetBuffer().AsSpan(0, (int)buffer.Length).CopyTo(output);
        return (int)buffer.Length;
    }
}
