using System.Buffers.Binary;
using System.Text;
using Connectomics.Volumes.Codecs;

namespace Connectomics.Volumes.Tests.Codecs;

public sealed class Crc32CTests
{
    public static TheoryData<string, uint> KnownVectors => new()
    {
        // The CRC catalogue's check value, and the iSCSI test vectors of RFC 3720 appendix B.4.
        { "313233343536373839", 0xE3069283u },
        { "", 0x00000000u },
        { new string('0', 64), 0x8A9136AAu },
        { string.Concat(Enumerable.Repeat("ff", 32)), 0x62A8AB43u },
        { string.Concat(Enumerable.Range(0, 32).Select(i => i.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))), 0x46DD794Eu },
        { string.Concat(Enumerable.Range(0, 32).Select(i => (31 - i).ToString("x2", System.Globalization.CultureInfo.InvariantCulture))), 0x113FDB5Cu },
    };

    [Theory]
    [MemberData(nameof(KnownVectors))]
    public void Known_vectors_match_on_the_accelerated_and_the_table_path(string hex, uint expected)
    {
        var data = Convert.FromHexString(hex);

        Assert.Equal(expected, Crc32C.Compute(data));
        Assert.Equal(expected, ~Crc32C.UpdateTable(0xFFFFFFFFu, data));
    }

    [Fact]
    public void The_accelerated_path_agrees_with_the_table_at_every_length_and_alignment()
    {
        var data = CodecTestData.Random(4096 + 17, seed: 11);
        for (var start = 0; start < 9; start++)
        {
            foreach (var length in new[] { 0, 1, 7, 8, 9, 15, 16, 63, 64, 65, 1000, 4096 })
            {
                var slice = data.AsSpan(start, length);
                Assert.Equal(~Crc32C.UpdateTable(0xFFFFFFFFu, slice), Crc32C.Compute(slice));
            }
        }
    }

    [Fact]
    public void Crc32c_codec_appends_the_little_endian_checksum_and_strips_it_on_decode()
    {
        var codec = new Crc32cCodec();
        var payload = Encoding.ASCII.GetBytes("123456789");

        var encoded = codec.Encode(payload, elementSize: 1);

        Assert.Equal(payload.Length + 4, encoded.Length);
        Assert.Equal(0xE3069283u, BinaryPrimitives.ReadUInt32LittleEndian(encoded.AsSpan(payload.Length)));
        Assert.Equal(new byte[] { 0x83, 0x92, 0x06, 0xE3 }, encoded[^4..]);
        Assert.Equal(payload, codec.Decode(encoded, payload.Length));
        Assert.Equal(payload, codec.Decode(encoded, -1));
    }

    [Fact]
    public void Crc32c_codec_refuses_a_flipped_byte_naming_both_checksums()
    {
        var codec = new Crc32cCodec();
        var encoded = codec.Encode(Encoding.ASCII.GetBytes("123456789"), 1);
        encoded[3] ^= 0x40;

        var error = Assert.Throws<InvalidDataException>(() => codec.Decode(encoded, -1));

        Assert.Contains("0xE3069283", error.Message, StringComparison.Ordinal);
        Assert.Contains($"0x{Crc32C.Compute(encoded.AsSpan(0, 9)):X8}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Crc32c_codec_refuses_buffers_too_short_or_of_the_wrong_length()
    {
        var codec = new Crc32cCodec();
        Assert.Throws<InvalidDataException>(() => codec.Decode(new byte[] { 1, 2, 3 }, -1));
        var encoded = codec.Encode(new byte[10], 1);
        Assert.Throws<InvalidDataException>(() => codec.Decode(encoded, 11));
    }
}
