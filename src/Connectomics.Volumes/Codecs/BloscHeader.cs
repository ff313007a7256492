using System.Buffers.Binary;
using System.Globalization;

namespace Connectomics.Volumes.Codecs;

/// <summary>
/// The 16-byte header of a Blosc 1 frame: format version (2), compressor format version (1), flags, type size, then
/// little-endian int32 decoded size, block size and frame size.
/// </summary>
internal readonly record struct BloscHeader(byte Version, byte CompressorVersion, byte Flags, int TypeSize, int DecodedSize, int BlockSize, int FrameSize)
{
    /// <summary>The header's length in bytes.</summary>
    public const int Length = 16;

    /// <summary>The frame format version C-Blosc 1.x writes and reads.</summary>
    public const byte FormatVersion = 2;

    /// <summary>The version C-Blosc 1.x writes for every compressor's stream format.</summary>
    public const byte StreamFormatVersion = 1;

    /// <summary>Flag: the blocks were byte-shuffled.</summary>
    public const byte ByteShuffleFlag = 0x01;

    /// <summary>Flag: the data is stored uncompressed after the header.</summary>
    public const byte MemcpyedFlag = 0x02;

    /// <summary>Flag: the blocks were bit-shuffled.</summary>
    public const byte BitShuffleFlag = 0x04;

    /// <summary>Flag reserved by C-Blosc 1.x (frames from later formats).</summary>
    public const byte ReservedFlag = 0x08;

    /// <summary>Flag: blocks are not split into one stream per byte of the type.</summary>
    public const byte DontSplitFlag = 0x10;

    /// <summary>The largest block size C-Blosc 1.x accepts.</summary>
    public const int MaxBlockSize = (int.MaxValue - (255 * sizeof(int))) / 3;

    /// <summary>Gets the compressor format (bits 5–7 of the flags): 0 BloscLZ, 1 LZ4/LZ4HC, 2 Snappy, 3 zlib, 4 zstd.</summary>
    public int CompressorFormat => Flags >> 5;

    /// <summary>Gets whether the data follows the header uncompressed.</summary>
    public bool IsMemcpyed => (Flags & MemcpyedFlag) != 0;

    /// <summary>Reads and checks the header of <paramref name="frame"/>.</summary>
    /// <exception cref="InvalidDataException">The buffer is too short or a field is out of range.</exception>
    public static BloscHeader Read(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < Length)
        {
            throw Invalid($"{frame.Length} bytes cannot hold the 16-byte header");
        }

        var header = new BloscHeader(
            frame[0],
            frame[1],
            frame[2],
            frame[3],
            BinaryPrimitives.ReadInt32LittleEndian(frame[4..]),
            BinaryPrimitives.ReadInt32LittleEndian(frame[8..]),
            BinaryPrimitives.ReadInt32LittleEndian(frame[12..]));
        if (header.Version != FormatVersion)
        {
            throw Invalid($"format version {header.Version} is not Blosc 1's ({FormatVersion})");
        }

        if ((header.Flags & ReservedFlag) != 0)
        {
            throw Invalid($"flags 0x{header.Flags:X2} set the reserved bit 0x08 (a frame of a later format)");
        }

        if (header.CompressorFormat > 4)
        {
            throw Invalid($"unknown compressor id {header.CompressorFormat} in flags 0x{header.Flags:X2}");
        }

        if (header.CompressorVersion != StreamFormatVersion)
        {
            throw Invalid($"compressor format version {header.CompressorVersion} of {CompressorName(header.CompressorFormat)} is not {StreamFormatVersion}");
        }

        if (header.DecodedSize < 0 || header.FrameSize < Length)
        {
            throw Invalid($"sizes out of range: nbytes {header.DecodedSize}, cbytes {header.FrameSize}");
        }

        if (header.FrameSize > frame.Length)
        {
            throw Invalid($"cbytes {header.FrameSize} exceeds the {frame.Length} bytes given (truncated)");
        }

        if (header.DecodedSize > 0)
        {
            if (header.TypeSize == 0)
            {
                throw Invalid("type size 0");
            }

            if (header.BlockSize <= 0 || header.BlockSize > header.DecodedSize || header.BlockSize > MaxBlockSize)
            {
                throw Invalid($"block size {header.BlockSize} out of range for nbytes {header.DecodedSize}");
            }

            if (header.IsMemcpyed && header.FrameSize != header.DecodedSize + Length)
            {
                throw Invalid($"an uncompressed frame of nbytes {header.DecodedSize} must have cbytes {header.DecodedSize + Length}, not {header.FrameSize}");
            }
        }

        return header;
    }

    /// <summary>Writes the header into the first 16 bytes of <paramref name="frame"/>.</summary>
    public void Write(Span<byte> frame)
    {
        frame[0] = Version;
        frame[1] = CompressorVersion;
        frame[2] = Flags;
        frame[3] = (byte)TypeSize;
        BinaryPrimitives.WriteInt32LittleEndian(frame[4..], DecodedSize);
        BinaryPrimitives.WriteInt32LittleEndian(frame[8..], BlockSize);
        BinaryPrimitives.WriteInt32LittleEndian(frame[12..], FrameSize);
    }

    /// <summary>Names a compressor format for messages.</summary>
    public static string CompressorName(int format) => format switch
    {
        0 => "blosclz",
        1 => "lz4",
        2 => "snappy",
        3 => "zlib",
        4 => "zstd",
        _ => format.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>An <see cref="InvalidDataException"/> about this frame.</summary>
    public static InvalidDataException Invalid(string what) => new($"blosc: {what}.");
}
