using System.Buffers.Binary;
using Apache.Arrow;
using Connectomics.Storage.Lance.Protobuf;
using Connectomics.Storage.Lance.Schema;

namespace Connectomics.Storage.Lance.Encodings;

/// <summary>
/// Encodes one Arrow array as a format 2.0 page (<c>lance.encodings.ArrayEncoding</c>): plain Arrow buffers under
/// <c>Nullable</c>, <c>Flat</c>, <c>Binary</c> and <c>FixedSizeList</c>, exactly as Lance's 2.0 writer lays them out.
/// </summary>
internal static class PageEncoderV20
{
    public static EncodedPage Encode(IArrowArray array, ColumnType type)
    {
        var data = array.Data;
        var buffers = new List<ReadOnlyMemory<byte>>();
        var encoding = type.Kind switch
        {
            ColumnKind.String or ColumnKind.Binary => EncodeBinary(data, type, buffers),
            ColumnKind.FixedSizeList => EncodeFixedSizeList(data, type, buffers),
            _ => EncodePrimitive(data, type, buffers),
        };
        return new EncodedPage(buffers, EncodingMessages.Any(EncodingMessages.ArrayEncodingUrl, encoding), data.Length);
    }

    /// <summary>
    /// Encodes consecutive arrays as one page without concatenating them, for vector columns without null rows:
    /// the page's one buffer is then the arrays' item bytes back to back, exactly what encoding their concatenation
    /// gives. Returns null for every other case; the caller concatenates.
    /// </summary>
    public static EncodedPage? TryEncodeParts(IReadOnlyList<IArrowArray> parts, ColumnType type)
    {
        if (type.Kind != ColumnKind.FixedSizeList || parts.Any(p => ArrowColumnData.HasNulls(p.Data)))
        {
            return null;
        }

        var (pieces, rows) = ArrowColumnData.ListItemsOfParts(parts, type.Dimension, type.ByteWidth);

        return new EncodedPage([pieces], EncodingMessages.Any(EncodingMessages.ArrayEncodingUrl, NoNulls(FixedSizeListMessage(type, hasNulls: false))), rows);
    }

    private static byte[] EncodePrimitive(ArrayData data, ColumnType type, List<ReadOnlyMemory<byte>> buffers)
    {
        var bits = type.Kind == ColumnKind.Boolean ? 1 : type.ByteWidth * 8;
        if (data.Length > 0 && data.GetNullCount() == data.Length)
        {
            return Message(w => w.WriteMessage(2, n => n.WriteBytesPresent(3, [])));
        }

        ReadOnlyMemory<byte> values = type.Kind == ColumnKind.Boolean ? ArrowColumnData.BooleanValues(data) : ArrowColumnData.FixedValues(data, type.ByteWidth);
        if (!ArrowColumnData.HasNulls(data))
        {
            buffers.Add(values);
            return NoNulls(Flat(bits, 0));
        }

        buffers.Add(ArrowColumnData.Validity(data));
        buffers.Add(values);
        return SomeNulls(Flat(1, 0), Flat(bits, 1));
    }

    private static byte[] EncodeFixedSizeList(ArrayData data, ColumnType type, List<ReadOnlyMemory<byte>> buffers)
    {
        if (ArrowColumnData.HasNullItemsInValidRows(data, type.Dimension))
        {
            throw new ArgumentException("Fixed-size list columns may have null rows but no null items inside a valid row.");
        }

        var items = ArrowColumnData.ListItems(data, type.Dimension, type.ByteWidth);
        var hasNulls = ArrowColumnData.HasNulls(data);
        if (hasNulls)
        {
            buffers.Add(ArrowColumnData.Validity(data));
        }

        buffers.Add(items);
        var list = FixedSizeListMessage(type, hasNulls);
        return hasNulls ? SomeNulls(Flat(1, 0), list) : NoNulls(list);
    }

    private static byte[] FixedSizeListMessage(ColumnType type, bool hasNulls) => Message(w => w.WriteMessage(3, l =>
    {
        l.WriteUInt64(1, (ulong)type.Dimension);
        l.WriteBytesPresent(2, NoNulls(Flat(type.ByteWidth * 8, hasNulls ? 1 : 0)));
    }));

    private static byte[] EncodeBinary(ArrayData data, ColumnType type, List<ReadOnlyMemory<byte>> buffers)
    {
        ulong total = 0;
        for (var i = 0; i < data.Length; i++)
        {
            if (ArrowColumnData.IsValid(data, i))
            {
                var (start, end) = ArrowColumnData.ValueRange(data, i, type.LargeOffsets);
                total += (ulong)(end - start);
            }
        }

        var nullAdjustment = total + 1;
        var ends = new byte[data.Length * 8];
        var bytes = new byte[total];
        var source = ArrowColumnData.ValueBytes(data);
        ulong position = 0;
        for (var i = 0; i < data.Length; i++)
        {
            var end = position;
            if (ArrowColumnData.IsValid(data, i))
            {
                var (start, stop) = ArrowColumnData.ValueRange(data, i, type.LargeOffsets);
                source[(int)start..(int)stop].CopyTo(bytes.AsSpan((int)position));
                position += (ulong)(stop - start);
                end = position;
            }
            else
            {
                end += nullAdjustment;
            }

            BinaryPrimitives.WriteUInt64LittleEndian(ends.AsSpan(i * 8), end);
        }

        buffers.Add(ends);
        buffers.Add(bytes);
        return Message(w => w.WriteMessage(6, b =>
        {
            b.WriteBytesPresent(1, NoNulls(Flat(64, 0)));
            b.WriteBytesPresent(2, Flat(8, 1));
            b.WriteUInt64(3, nullAdjustment);
        }));
    }

    /// <summary><c>ArrayEncoding{flat{bits_per_value, buffer{index}}}</c>.</summary>
    internal static byte[] Flat(int bits, int bufferIndex) => Message(w => w.WriteMessage(1, f =>
    {
        f.WriteUInt64(1, (ulong)bits);
        f.WriteMessage(2, b => b.WriteUInt64(1, (ulong)bufferIndex));
    }));

    /// <summary><c>ArrayEncoding{nullable{no_nulls{values}}}</c>.</summary>
    internal static byte[] NoNulls(byte[] values) => Message(w => w.WriteMessage(2, n => n.WriteMessage(1, x => x.WriteBytesPresent(1, values))));

    /// <summary><c>ArrayEncoding{nullable{some_nulls{validity, values}}}</c>.</summary>
    internal static byte[] SomeNulls(byte[] validity, byte[] values) => Message(w => w.WriteMessage(2, n => n.WriteMessage(2, x =>
    {
        x.WriteBytesPresent(1, validity);
        x.WriteBytesPresent(2, values);
    })));

    private static byte[] Message(Action<ProtoWriter> build)
    {
        var w = new ProtoWriter();
        build(w);
        return w.ToArray();
    }
}
