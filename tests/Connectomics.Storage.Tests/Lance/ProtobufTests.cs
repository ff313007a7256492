using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Protobuf;

namespace Connectomics.Storage.Tests.Lance;

public sealed class ProtobufTests
{
    private static string Hex(ProtoWriter w) => Convert.ToHexString(w.WrittenSpan).ToLowerInvariant();

    [Fact]
    public void Scalars_follow_proto3_defaults_and_optional_presence()
    {
        var w = new ProtoWriter();
        w.WriteUInt64(3, 0);
        w.WriteString(2, "");
        w.WriteBool(6, false);
        Assert.Equal(0, w.Length);

        w.WriteUInt64Present(11, 0);
        w.WriteUInt64(3, 300);
        w.WriteString(2, "id");
        w.WriteBool(6, true);
        Assert.Equal("5800" + "18ac02" + "12026964" + "3001", Hex(w));
    }

    [Fact]
    public void Negative_int32_is_a_ten_byte_varint()
    {
        var w = new ProtoWriter();
        w.WriteInt32(4, -1);
        Assert.Equal("20ffffffffffffffffff01", Hex(w));

        var r = new ProtoReader(w.WrittenSpan);
        Assert.True(r.TryReadTag(out var field, out var wire));
        Assert.Equal((4, WireType.Varint), (field, wire));
        Assert.Equal(-1, r.ReadInt32());
        Assert.False(r.TryReadTag(out _, out _));
    }

    [Fact]
    public void Repeated_numbers_are_packed_and_empty_messages_are_still_emitted()
    {
        var w = new ProtoWriter();
        w.WritePackedInt32(2, [0, 1]);
        w.WritePackedUInt64(1, [192, 40]);
        w.WritePackedInt32(3, []);
        w.WriteMessage(2, _ => { });
        Assert.Equal("12020001" + "0a03c00128" + "1200", Hex(w));
    }

    [Fact]
    public void Reader_accepts_packed_and_unpacked_repeated_fields_and_skips_unknown_ones()
    {
        // field 2 unpacked 7, field 9 fixed64, field 2 packed [1, 300], field 10 fixed32, field 11 bytes.
        byte[] data = [0x10, 0x07, 0x49, 1, 2, 3, 4, 5, 6, 7, 8, 0x12, 0x03, 0x01, 0xac, 0x02, 0x55, 1, 2, 3, 4, 0x5a, 0x01, 0xff];
        var values = new List<ulong>();
        var r = new ProtoReader(data);
        while (r.TryReadTag(out var field, out var wire))
        {
            if (field == 2)
            {
                r.ReadRepeatedVarint(wire, values);
            }
            else
            {
                r.Skip(wire);
            }
        }

        Assert.Equal([7UL, 1UL, 300UL], values);
    }

    [Theory]
    [InlineData(new byte[] { 0x08 })]
    [InlineData(new byte[] { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 })]
    [InlineData(new byte[] { 0x12, 0x05, 0x01 })]
    [InlineData(new byte[] { 0x00, 0x01 })]
    [InlineData(new byte[] { 0x0b })]
    public void Malformed_input_throws_a_format_exception(byte[] data)
    {
        Assert.Throws<LanceFormatException>(() =>
        {
            var r = new ProtoReader(data);
            while (r.TryReadTag(out _, out var wire))
            {
                r.Skip(wire);
            }
        });
    }
}
