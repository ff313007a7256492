using System.Buffers.Binary;
using Connectomics.Volumes.Codecs;

namespace Connectomics.Volumes.Tests.Codecs;

/// <summary>Damaged Blosc frames end in an <see cref="InvalidDataException"/> that says what disagrees.</summary>
public sealed class BloscCorruptionTests
{
    private static readonly byte[] Raw = CodecTestData.Smooth(100_000, 4, seed: 3);

    private static byte[] Frame(BloscCompressor compressor = BloscCompressor.Lz4, BloscShuffle shuffle = BloscShuffle.Byte) =>
        new BloscCodec(compressor, 5, shuffle, blockSize: 16_384).Encode(Raw, 4);

    private static InvalidDataException Fails(byte[] frame, int decodedLength = -1) =>
        Assert.Throws<InvalidDataException>(() => new BloscCodec().Decode(frame, decodedLength));

    [Fact]
    public void A_frame_shorter_than_its_cbytes_is_truncated()
    {
        var frame = Frame();
        Assert.Contains("truncated", Fails(frame[..^1]).Message, StringComparison.Ordinal);
        Assert.Contains("16-byte header", Fails(frame[..10]).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cbytes_larger_or_smaller_than_the_data_is_refused()
    {
        var frame = Frame();
        var larger = (byte[])frame.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(larger.AsSpan(12), frame.Length + 100);
        Assert.Contains($"cbytes {frame.Length + 100}", Fails(larger).Message, StringComparison.Ordinal);

        var smaller = (byte[])frame.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(smaller.AsSpan(12), frame.Length - 8);
        Assert.Contains("runs past cbytes", Fails(smaller).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_version_an_unknown_codec_or_reserved_flags_are_named()
    {
        var frame = Frame();
        var version = (byte[])frame.Clone();
        version[0] = 7;
        Assert.Contains("format version 7", Fails(version).Message, StringComparison.Ordinal);

        var codec = (byte[])frame.Clone();
        codec[2] = (byte)((codec[2] & 0x1F) | (6 << 5));
        Assert.Contains("unknown compressor id 6", Fails(codec).Message, StringComparison.Ordinal);

        var reserved = (byte[])frame.Clone();
        reserved[2] |= 0x08;
        Assert.Contains("reserved", Fails(reserved).Message, StringComparison.Ordinal);

        var streamVersion = (byte[])frame.Clone();
        streamVersion[1] = 3;
        Assert.Contains("compressor format version 3", Fails(streamVersion).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sizes_that_disagree_with_the_caller_or_each_other_are_refused()
    {
        var frame = Frame();
        Assert.Contains("nbytes 100000 differs", Fails(frame, 99_999).Message, StringComparison.Ordinal);

        var blockSize = (byte[])frame.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(blockSize.AsSpan(8), 200_000);
        Assert.Contains("block size 200000", Fails(blockSize).Message, StringComparison.Ordinal);

        var memcpyed = new BloscCodec(BloscCompressor.Lz4, 0).Encode(Raw, 4);
        Assert.Equal(Raw, new BloscCodec().Decode(memcpyed, Raw.Length));
        BinaryPrimitives.WriteInt32LittleEndian(memcpyed.AsSpan(4), Raw.Length - 4);
        Assert.Contains("uncompressed frame", Fails(memcpyed).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_block_offset_or_stream_size_past_the_end_is_named()
    {
        var frame = Frame();
        var offset = (byte[])frame.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(offset.AsSpan(16 + 4), frame.Length + 50);
        Assert.Contains("block 1 stream 0 starts at", Fails(offset).Message, StringComparison.Ordinal);

        var stream = (byte[])frame.Clone();
        var firstBlock = BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(16));
        BinaryPrimitives.WriteInt32LittleEndian(stream.AsSpan(firstBlock), frame.Length);
        Assert.Contains("block 0 stream 0 of", Fails(stream).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(BloscCompressor.Lz4)]
    [InlineData(BloscCompressor.Zlib)]
    [InlineData(BloscCompressor.Zstd)]
    public void A_stream_that_decompresses_to_the_wrong_size_is_named(BloscCompressor compressor)
    {
        var frame = Frame(compressor, BloscShuffle.None);
        var firstBlock = BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(16));
        var streamSize = BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(firstBlock));
        var blockSize = BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(8));
        var decodedStreamSize = (frame[2] & 0x10) != 0 ? blockSize : blockSize / 4;
        Assert.True(streamSize < decodedStreamSize, "the first stream should be compressed");

        // Garble the middle of the first stream's compressed bytes.
        var damaged = (byte[])frame.Clone();
        for (var i = firstBlock + 4 + (streamSize / 3); i < firstBlock + 4 + (2 * streamSize / 3); i++)
        {
            damaged[i] ^= 0xA5;
        }

        var error = Fails(damaged);
        Assert.Contains("block 0 stream 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flipped_bytes_anywhere_never_escape_as_another_exception()
    {
        foreach (var compressor in new[] { BloscCompressor.Lz4, BloscCompressor.Zlib, BloscCompressor.Zstd })
        {
            var frame = Frame(compressor, BloscShuffle.Bit);
            var random = new Random(17);
            for (var trial = 0; trial < 60; trial++)
            {
                var damaged = (byte[])frame.Clone();
                damaged[random.Next(damaged.Length)] ^= (byte)(1 + random.Next(255));
                try
                {
                    new BloscCodec().Decode(damaged, Raw.Length);
                }
                catch (InvalidDataException)
                {
                }
            }
        }
    }

    [Fact]
    public void Encoding_with_a_decode_only_compressor_is_not_supported()
    {
        Assert.Throws<NotSupportedException>(() => new BloscCodec(BloscCompressor.BloscLz).Encode(Raw, 4));
        Assert.Throws<NotSupportedException>(() => new BloscCodec(BloscCompressor.Snappy).Encode(Raw, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BloscCodec(level: 10));
    }

    [Fact]
    public void The_description_names_compressor_level_and_shuffle()
    {
        Assert.Equal("blosc(zstd, level 5, bitshuffle)", new BloscCodec(BloscCompressor.Zstd, 5, BloscShuffle.Bit).Description);
        Assert.Equal("blosc(lz4, level 5, shuffle)", new BloscCodec().Description);
        Assert.Equal("blosc(lz4hc, level 9, noshuffle, blocksize 65536)", new BloscCodec(BloscCompressor.Lz4Hc, 9, BloscShuffle.None, 65_536).Description);
        Assert.True(BloscCodec.TryParseCompressorName("blosclz", out var parsed) && parsed == BloscCompressor.BloscLz);
        Assert.False(BloscCodec.TryParseCompressorName("lz5", out _));
    }
}
