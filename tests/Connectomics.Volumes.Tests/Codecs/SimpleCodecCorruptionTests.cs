using System.Buffers.Binary;
using Connectomics.Volumes.Codecs;

namespace Connectomics.Volumes.Tests.Codecs;

/// <summary>Truncated, flipped and mis-sized inputs to the simple codecs end in an <see cref="InvalidDataException"/>.</summary>
public sealed class SimpleCodecCorruptionTests
{
    public static TheoryData<string> CodecNames => new() { "zstd", "gzip", "zlib", "lz4" };

    private static readonly byte[] Raw = CodecTestData.Smooth(50_000, 2, seed: 5);

    private static IBytesCodec Create(string name) => name switch
    {
        "zstd" => new ZstdCodec(3),
        "gzip" => new GzipCodec(),
        "zlib" => new ZlibCodec(),
        "lz4" => new Lz4Codec(),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void Truncated_input_is_invalid_data(string name)
    {
        var codec = Create(name);
        var encoded = codec.Encode(Raw, 2);
        // Cuts into the compressed data (gzip and zlib decode complete data even when their trailer is cut short).
        foreach (var keep in new[] { 0, 3, encoded.Length / 2, encoded.Length - 12 })
        {
            Assert.Throws<InvalidDataException>(() => codec.Decode(encoded.AsSpan(0, keep), Raw.Length));
        }
    }

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void A_wrong_expected_length_is_invalid_data(string name)
    {
        var codec = Create(name);
        var encoded = codec.Encode(Raw, 2);

        Assert.Throws<InvalidDataException>(() => codec.Decode(encoded, Raw.Length - 1));
        Assert.Throws<InvalidDataException>(() => codec.Decode(encoded, Raw.Length + 1));
    }

    [Fact]
    public void Garbage_is_invalid_data_for_every_codec_without_a_length()
    {
        var garbage = CodecTestData.Random(300, seed: 9);
        garbage[0] = 0x17; // not a zstd magic, not a gzip magic, a size prefix of a huge block for lz4
        garbage[3] = 0x00;
        foreach (var name in new[] { "zstd", "gzip", "zlib", "lz4" })
        {
            Assert.Throws<InvalidDataException>(() => Create(name).Decode(garbage, -1));
        }
    }

    [Fact]
    public void A_flipped_byte_in_a_zstd_frame_fails_its_checksum_or_its_structure()
    {
        var codec = new ZstdCodec(3);
        var encoded = codec.Encode(Raw, 2);
        var failures = 0;
        for (var position = 4; position < encoded.Length; position += Math.Max(1, encoded.Length / 40))
        {
            var damaged = (byte[])encoded.Clone();
            damaged[position] ^= 0x5A;
            try
            {
                var decoded = codec.Decode(damaged, Raw.Length);
                Assert.False(decoded.AsSpan().SequenceEqual(Raw), "a damaged frame decoded to the original");
            }
            catch (InvalidDataException)
            {
                failures++;
            }
        }

        Assert.True(failures > 0, "no damaged zstd frame was refused");
    }

    [Fact]
    public void A_flipped_byte_in_a_zlib_stream_is_caught_by_its_adler32()
    {
        var codec = new ZlibCodec();
        var encoded = codec.Encode(Raw, 2);
        encoded[^2] ^= 0x01; // inside the Adler-32 trailer

        Assert.Throws<InvalidDataException>(() => codec.Decode(encoded, Raw.Length));
    }

    [Fact]
    public void An_lz4_size_prefix_that_disagrees_with_its_block_is_invalid_data()
    {
        var codec = new Lz4Codec();
        var encoded = codec.Encode(Raw, 2);
        BinaryPrimitives.WriteInt32LittleEndian(encoded, Raw.Length + 10);

        var error = Assert.Throws<InvalidDataException>(() => codec.Decode(encoded, -1));
        Assert.Contains((Raw.Length + 10).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        BinaryPrimitives.WriteInt32LittleEndian(encoded, -4);
        Assert.Throws<InvalidDataException>(() => codec.Decode(encoded, -1));
    }
}
