using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Encodings;
using Connectomics.Storage.Lance.Protobuf;
using Connectomics.Storage.Lance.Schema;

namespace Connectomics.Storage.Tests.Lance;

public sealed class PageDecoderTests
{
    private static byte[] Message(Action<ProtoWriter> build)
    {
        var w = new ProtoWriter();
        build(w);
        return w.ToArray();
    }

    [Fact]
    public void A_2_0_dictionary_page_maps_index_0_to_null_and_k_to_item_k_minus_1()
    {
        // Dictionary{indices = Nullable{no_nulls{Flat{8, buffer 0}}}, items = Binary{..buffers 1, 2..}, num_dictionary_items = 2}
        var items = Message(w => w.WriteMessage(6, b =>
        {
            b.WriteBytesPresent(1, PageEncoderV20.NoNulls(PageEncoderV20.Flat(64, 1)));
            b.WriteBytesPresent(2, PageEncoderV20.Flat(8, 2));
            b.WriteUInt64(3, 10);
        }));
        var encoding = Message(w => w.WriteMessage(7, d =>
        {
            d.WriteBytesPresent(1, PageEncoderV20.NoNulls(PageEncoderV20.Flat(8, 0)));
            d.WriteBytesPresent(2, items);
            d.WriteUInt64(3, 2);
        }));
        ReadOnlyMemory<byte>[] buffers = [new byte[] { 1, 0, 2, 2, 1 }, new byte[] { 5, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0 }, "alphabeta"u8.ToArray()];
        var output = new ColumnAccumulator(LanceSchemaConverter.Describe(StringType.Default)!);

        PageDecoderV20.Decode(encoding, buffers, 5, output);

        var array = (StringArray)output.Build();
        Assert.Equal(["alpha", null, "beta", "beta", "alpha"], Enumerable.Range(0, 5).Select(i => array.GetString(i)));
    }

    [Fact]
    public void A_2_0_binary_page_decodes_null_adjusted_end_offsets()
    {
        // Rows 1, 4, 7 of row_0..row_9 null: ends 5, 41, 10, 15, 51, 20, 25, 61, 30, 35 with null_adjustment 36.
        ulong[] ends = [5, 41, 10, 15, 51, 20, 25, 61, 30, 35];
        var data = new StringArray.Builder();
        for (var i = 0; i < 10; i++)
        {
            if (i is 1 or 4 or 7)
            {
                data.AppendNull();
            }
            else
            {
                data.Append($"row_{i}");
            }
        }

        var page = PageEncoderV20.Encode(data.Build(), LanceSchemaConverter.Describe(StringType.Default)!);
        Assert.Equal(ends, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(page.Buffers[0].Span).ToArray());
        Assert.Equal(35, page.Buffers[1].Length);

        var output = new ColumnAccumulator(LanceSchemaConverter.Describe(StringType.Default)!);
        var (_, value) = EncodingMessages.ReadAny(page.Encoding);
        PageDecoderV20.Decode(value, page.Buffers, 10, output);
        var array = (StringArray)output.Build();
        Assert.Equal(["row_0", null, "row_2", "row_3", null, "row_5", "row_6", null, "row_8", "row_9"], Enumerable.Range(0, 10).Select(i => array.GetString(i)));
    }

    [Fact]
    public void A_2_0_nullable_primitive_page_has_the_documented_validity_bitmap()
    {
        var data = new Int32Array.Builder();
        for (var i = 0; i < 10; i++)
        {
            if (i is 1 or 4 or 7)
            {
                data.AppendNull();
            }
            else
            {
                data.Append(i);
            }
        }

        var page = PageEncoderV20.Encode(data.Build(), LanceSchemaConverter.Describe(Int32Type.Default)!);
        Assert.Equal([0x6d, 0x03], page.Buffers[0].ToArray());
        Assert.Equal(40, page.Buffers[1].Length);
    }

    [Fact]
    public void Compressed_2_1_values_are_named_in_the_error()
    {
        // MiniBlockLayout{value_compression = inline_bitpacking{uncompressed_bits 32}, num_buffers 1, num_items 3}
        var layout = Message(w => w.WriteMessage(1, m =>
        {
            m.WriteMessage(3, c => c.WriteMessage(5, b => b.WriteUInt64(1, 32)));
            m.WriteUInt64(7, 1);
            m.WriteUInt64(9, 3);
        }));
        var output = new ColumnAccumulator(LanceSchemaConverter.Describe(Int32Type.Default)!);
        var error = Assert.Throws<LanceFormatException>(() => PageDecoderV21.Decode(layout, [new byte[2], new byte[8]], 3, output));
        Assert.Contains("inline_bitpacking", error.Message, StringComparison.Ordinal);
    }
}
