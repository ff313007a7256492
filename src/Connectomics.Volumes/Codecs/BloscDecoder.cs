using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using K4os.Compression.LZ4;
using Snappier;

namespace Connectomics.Volumes.Codecs;

/// <summary>
/// Decodes Blosc 1 frames as C-Blosc 1.x writes them: the header, then (unless the frame is stored uncompressed) one
/// int32 start offset per block, and per block one or <c>typesize</c> streams, each an int32 compressed size and the
/// compressed bytes (stored raw when the size equals the stream's decoded size). Each block is then un-shuffled by the
/// filter its flags name. Blocks of a large frame decode in parallel.
/// </summary>
internal static class BloscDecoder
{
    /// <summary>The largest type size for which blocks are split into one stream per byte.</summary>
    private const int MaxSplits = 16;

    /// <summary>The fewest elements per block for which blocks are split.</summary>
    private const int MinSplitElements = 128;

    /// <summary>Frames decoding to at least this many bytes decode their blocks in parallel.</summary>
    internal const int ParallelThreshold = 256 * 1024;

    /// <summary>Decodes a whole frame.</summary>
    public static byte[] Decode(ReadOnlySpan<byte> frame, int decodedLength)
    {
        var header = BloscHeader.Read(frame);
        if (decodedLength >= 0 && header.DecodedSize != decodedLength)
        {
            throw BloscHeader.Invalid($"nbytes {header.DecodedSize} differs from the {decodedLength} bytes expected");
        }

        var output = GC.AllocateUninitializedArray<byte>(header.DecodedSize);
        if (header.DecodedSize == 0)
        {
            return output;
        }

        if (header.IsMemcpyed)
        {
            frame.Slice(BloscHeader.Length, header.DecodedSize).CopyTo(output);
            return output;
        }

        frame = frame[..header.FrameSize];
        var blockCount = (int)(((long)header.DecodedSize + header.BlockSize - 1) / header.BlockSize);
        var tableEnd = BloscHeader.Length + ((long)blockCount * sizeof(int));
        if (tableEnd > header.FrameSize)
        {
            throw BloscHeader.Invalid($"cbytes {header.FrameSize} cannot hold the offsets of {blockCount} blocks");
        }

        if (blockCount > 1 && header.DecodedSize >= ParallelThreshold && Environment.ProcessorCount > 1)
        {
            DecodeParallel(frame, header, blockCount, output);
        }
        else
        {
            var scratch = ArrayPool<byte>.Shared.Rent(2 * header.BlockSize);
            try
            {
                for (var block = 0; block < blockCount; block++)
                {
                    DecodeBlock(frame, header, block, blockCount, output, scratch);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }

        return output;
    }

    private static unsafe void DecodeParallel(ReadOnlySpan<byte> frame, BloscHeader header, int blockCount, byte[] output)
    {
        fixed (byte* pointer = frame)
        {
            var address = (nint)pointer;
            var length = frame.Length;
            try
            {
                Parallel.For(
                    0,
                    blockCount,
                    () => ArrayPool<byte>.Shared.Rent(2 * header.BlockSize),
                    (block, _, scratch) =>
                    {
                        DecodeBlock(new ReadOnlySpan<byte>((byte*)address, length), header, block, blockCount, output, scratch);
                        return scratch;
                    },
                    scratch => ArrayPool<byte>.Shared.Return(scratch));
            }
            catch (AggregateException aggregate) when (aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions[0] is InvalidDataException invalid)
            {
                throw new InvalidDataException(invalid.Message, aggregate);
            }
        }
    }

    private static void DecodeBlock(ReadOnlySpan<byte> frame, BloscHeader header, int block, int blockCount, byte[] output, byte[] scratch)
    {
        var blockStart = (long)block * header.BlockSize;
        var isLeftover = block == blockCount - 1 && header.DecodedSize % header.BlockSize != 0;
        var blockSize = isLeftover ? header.DecodedSize % header.BlockSize : header.BlockSize;
        var typeSize = header.TypeSize;
        var byteShuffled = (header.Flags & BloscHeader.ByteShuffleFlag) != 0 && typeSize > 1;
        var bitShuffled = !byteShuffled && (header.Flags & BloscHeader.BitShuffleFlag) != 0 && blockSize >= typeSize;
        var target = output.AsSpan((int)blockStart, blockSize);
        var streams = byteShuffled || bitShuffled ? scratch.AsSpan(0, blockSize) : target;

        var split = (header.Flags & BloscHeader.DontSplitFlag) == 0 && typeSize <= MaxSplits && blockSize / typeSize >= MinSplitElements && !isLeftover;
        var streamCount = split ? typeSize : 1;
        if (blockSize % streamCount != 0)
        {
            throw BloscHeader.Invalid($"block {block} of {blockSize} bytes does not divide into {streamCount} streams");
        }

        var streamSize = blockSize / streamCount;
        long offset = BinaryPrimitives.ReadInt32LittleEndian(frame[(BloscHeader.Length + (block * sizeof(int)))..]);
        var tableEnd = BloscHeader.Length + ((long)blockCount * sizeof(int));
        for (var stream = 0; stream < streamCount; stream++)
        {
            if (offset < tableEnd || offset + sizeof(int) > frame.Length)
            {
                throw BloscHeader.Invalid($"block {block} stream {stream} starts at {offset}, outside the frame's data ({tableEnd}..{frame.Length})");
            }

            var compressedSize = BinaryPrimitives.ReadInt32LittleEndian(frame[(int)offset..]);
            offset += sizeof(int);
            if (compressedSize < 0 || offset + compressedSize > frame.Length)
            {
                throw BloscHeader.Invalid($"block {block} stream {stream} of {compressedSize} compressed bytes at {offset} runs past cbytes {frame.Length}");
            }

            var source = frame.Slice((int)offset, compressedSize);
            var destination = streams.Slice(stream * streamSize, streamSize);
            if (compressedSize == streamSize)
            {
                source.CopyTo(destination);
            }
            else
            {
                var written = Decompress(header.CompressorFormat, source, destination);
                if (written != streamSize)
                {
                    throw BloscHeader.Invalid(written < 0
                        ? $"block {block} stream {stream} ({BloscHeader.CompressorName(header.CompressorFormat)}, {compressedSize} bytes) does not decompress into {streamSize} bytes"
                        : $"block {block} stream {stream} ({BloscHeader.CompressorName(header.CompressorFormat)}) decompresses to {written} bytes, not {streamSize}");
                }
            }

            offset += compressedSize;
        }

        if (byteShuffled)
        {
            ByteShuffle.Unshuffle(streams, target, typeSize);
        }
        else if (bitShuffled)
        {
            BitShuffle.Unshuffle(streams, target, typeSize, scratch.AsSpan(blockSize, blockSize));
        }
    }

    /// <summary>Decompresses one stream; returns the bytes written or -1 when it is corrupt or does not fit.</summary>
    private static int Decompress(int compressorFormat, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        try
        {
            return compressorFormat switch
            {
                0 => BloscLz.Decompress(source, destination),
                1 => LZ4Codec.Decode(source, destination),
                2 => DecompressSnappy(source, destination),
                3 => DecompressZlib(source, destination),
                4 => DecompressZstd(source, destination),
                _ => -1,
            };
        }
        catch (Exception exception) when (exception is InvalidDataException or ArgumentException or IndexOutOfRangeException or IOException)
        {
            return -1;
        }
    }

    private static int DecompressSnappy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var length = Snappy.GetUncompressedLength(source);
        return length != destination.Length ? -1 : Snappy.Decompress(source, destination);
    }

    private static unsafe int DecompressZlib(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.IsEmpty)
        {
            return -1;
        }

        fixed (byte* pointer = source)
        {
            using var input = new UnmanagedMemoryStream(pointer, source.Length);
            using var inflater = new ZLibStream(input, CompressionMode.Decompress);
            var filled = 0;
            while (filled < destination.Length)
            {
                var read = inflater.Read(destination[filled..]);
                if (read == 0)
                {
                    return filled;
                }

                filled += read;
            }

            Span<byte> probe = stackalloc byte[1];
            return inflater.Read(probe) == 0 ? filled : -1;
        }
    }

    private static int DecompressZstd(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        try
        {
            return ZstdCodec.DecodeInto(source, destination, "blosc");
        }
        catch (InvalidDataException)
        {
            return -1;
        }
    }
}
