using System.Buffers.Binary;
using Connectomics.Storage.Lance.Protobuf;
using Connectomics.Storage.Lance.Schema;

namespace Connectomics.Storage.Lance.Encodings;

/// <summary>
/// Decodes format 2.0 pages (<c>lance.encodings.ArrayEncoding</c>): Nullable, Flat (uncompressed), Binary,
/// FixedSizeList and Dictionary — everything Lance's 2.0 writer produces for flat schemas.
/// </summary>
internal static class PageDecoderV20
{
    private const int FlatField = 1;
    private const int NullableField = 2;
    private const int FixedSizeListField = 3;
    private const int BinaryField = 6;
    private const int DictionaryField = 7;

    public static void Decode(ReadOnlySpan<byte> encoding, IReadOnlyList<ReadOnlyMemory<byte>> buffers, int rows, ColumnAccumulator output)
    {
        var field = Branch(encoding, out var body);
        switch (field)
        {
            case NullableField:
                DecodeNullable(body, buffers, rows, output);
                break;
            case BinaryField when output.Type.Kind is ColumnKind.String or ColumnKind.Binary:
                DecodeBinary(body, buffers, rows, output);
                break;
            case DictionaryField when output.Type.Kind is ColumnKind.String or ColumnKind.Binary:
                DecodeDictionary(body, buffers, rows, output);
                break;
            default:
                output.AppendAllValid(rows);
                DecodeValues(encoding, buffers, rows, output);
                break;
        }
    }

    private static void DecodeNullable(ReadOnlySpan<byte> nullable, IReadOnlyList<ReadOnlyMemory<byte>> buffers, int rows, ColumnAccumulator output)
    {
        var kind = Branch(nullable, out var body);
        switch (kind)
        {
            case 1:
                var values = Field(body, 1);
                if (output.Type.Kind is ColumnKind.String or ColumnKind.Binary)
                {
                    Decode(values, buffers, rows, output);
                    return;
                }

                output.AppendAllValid(rows);
                DecodeValues(values, buffers, rows, output);
                break;
            case 2:
                var validity = ReadFlat(Field(body, 1), buffers, out var bits);
                if (bits != 1)
                {
                    throw new LanceFormatException($"Validity with {bits} bits per value.");
                }

                output.AppendValidityBitmap(validity.Span, rows);
                DecodeValues(Field(body, 2), buffers, rows, output);
                break;
            case 3:
                for (var i = 0; i < rows; i++)
                {
                    output.AppendValidity(false);
                }

                output.AppendZeros(rows);
                break;
            default:
                throw new LanceFormatException($"Unknown Nullable branch {kind}.");
        }
    }

    /// <summary>Decodes the values (validity already appended).</summary>
    private static void DecodeValues(ReadOnlySpan<byte> encoding, IReadOnlyList<ReadOnlyMemory<byte>> buffers, int rows, ColumnAccumulator output)
    {
        var field = Branch(encoding, out var body);
        switch (output.Type.Kind)
        {
            case ColumnKind.Boolean when field == FlatField:
                var bits = ReadFlat(encoding, buffers, out var width);
                Require(width == 1, "Boolean values", width);
                output.AppendBits(bits.Span, rows);
                break;
            case ColumnKind.FixedWidth when field == FlatField:
                var values = ReadFlat(encoding, buffers, out var bitWidth);
                Require(bitWidth == (ulong)output.RowWidth * 8, "Values", bitWidth);
                output.AppendFixed(values, rows);
                break;
            case ColumnKind.FixedSizeList when field == FixedSizeListField:
                var dimension = (int)VarintField(body, 1);
                if (dimension != output.Type.Dimension)
                {
                    throw new LanceFormatException($"Fixed-size list page has dimension {dimension}; the schema says {output.Type.Dimension}.");
                }

                var items = Field(body, 2);
                var itemsKind = Branch(items, out var itemsBody);
                if (itemsKind == NullableField)
                {
                    var nullKind = Branch(itemsBody, out var nullBody);
                    items = nullKind switch
                    {
                        1 => Field(nullBody, 1),
                        2 => Field(nullBody, 2),
                        _ => throw new LanceFormatException("Fixed-size list items that are all null are not supported."),
                    };
                }

                var itemBytes = ReadFlat(items, buffers, out var itemBits);
                Require(itemBits == (ulong)output.Type.ByteWidth * 8, "List items", itemBits);
                output.AppendFixed(itemBytes, rows);
                break;
            case ColumnKind.String or ColumnKind.Binary when field == BinaryField:
                throw new LanceFormatException("Binary values under a validity bitmap are not supported.");
            default:
                throw new LanceFormatException($"Array encoding {field} is not supported for {output.Type.ArrowType.Name} columns.");
        }
    }

    private static void DecodeBinary(ReadOnlySpan<byte> binary, IReadOnlyList<ReadOnlyMemory<byte>> buffers, int rows, ColumnAccumulator output)
    {
        var ends = ReadUnsigned(Field(binary, 1), buffers, rows);
        var bytes = ReadFlat(Field(binary, 2), buffers, out var bits).Span;
        Require(bits == 8, "Binary bytes", bits);
        var nullAdjustment = VarintField(binary, 3);
        ulong start = 0;
        for (var i = 0; i < rows; i++)
        {
            var end = ends[i];
            if (nullAdjustment != 0 && end >= nullAdjustment)
            {
                output.AppendValidity(false);
                output.AppendZeros(1);
                start = end - nullAdjustment;
                continue;
            }

            if (end < start || end > (ulong)bytes.Length)
            {
                throw new LanceFormatException("Binary offsets out of range.");
            }

            output.AppendValidity(true);
            output.AppendValue(bytes[(int)start..(int)end]);
            start = end;
        }
    }

    private static void DecodeDictionary(ReadOnlySpan<byte> dictionary, IReadOnlyList<ReadOnlyMemory<byte>> buffers, int rows, ColumnAccumulator output)
    {
        var indices = ReadUnsigned(Field(dictionary, 1), buffers, rows);
        var count = (int)VarintField(dictionary, 3);
        var items = new ColumnAccumulator(output.Type);
        Decode(Field(dictionary, 2), buffers, count, items);
        var array = items.Build().Data;
        for (var i = 0; i < rows; i++)
        {
            var index = indices[i];
            if (index == 0)
            {
                output.AppendValidity(false);
                output.AppendZeros(1);
                continue;
            }

            if (index > (ulong)count)
            {
                throw new LanceFormatException($"Dictionary index {index} exceeds {count} items.");
            }

            var item = (int)index - 1;
            if (!ArrowColumnData.IsValid(array, item))
            {
                output.AppendValidity(false);
                output.AppendZeros(1);
                continue;
            }

            var (s, e) = ArrowColumnData.ValueRange(array, item, output.Type.LargeOffsets);
            output.AppendValidity(true);
            output.AppendValue(ArrowColumnData.ValueBytes(array)[(int)s..(int)e]);
        }
    }

    /// <summary>Reads unsigned integers of any flat width under optional <c>Nullable{no_nulls}</c> wrappers.</summary>
    private static ulong[] ReadUnsigned(ReadOnlySpan<byte> encoding, IReadOnlyList<ReadOnlyMemory<byte>> buffers, int rows)
    {
        var field = Branch(encoding, out var body);
        if (field == NullableField)
        {
            var kind = Branch(body, out var inner);
            if (kind != 1)
            {
                throw new LanceFormatException("Offsets or indices with nulls are not supported.");
            }

            return ReadUnsigned(Field(inner, 1), buffers, rows);
        }

        var raw = ReadFlat(encoding, buffers, out var bits).Span;
        var width = (int)bits / 8;
        if (bits is not (8 or 16 or 32 or 64) || raw.Length < rows * width)
        {
            throw new LanceFormatException($"Unsupported or short integer buffer ({bits} bits, {raw.Length} bytes for {rows} values).");
        }

        var result = new ulong[rows];
        for (var i = 0; i < rows; i++)
        {
            var slice = raw[(i * width)..];
            result[i] = width switch
            {
                1 => slice[0],
                2 => BinaryPrimitives.ReadUInt16LittleEndian(slice),
                4 => BinaryPrimitives.ReadUInt32LittleEndian(slice),
                _ => BinaryPrimitives.ReadUInt64LittleEndian(slice),
            };
        }

        return result;
    }

    /// <summary>Reads a <c>Flat</c> array encoding: its page buffer and bits per value. Compressed buffers are rejected.</summary>
    private static ReadOnlyMemory<byte> ReadFlat(ReadOnlySpan<byte> encoding, IReadOnlyList<ReadOnlyMemory<byte>> buffers, out ulong bitsPerValue)
    {
        var field = Branch(encoding, out var flat);
        if (field != FlatField)
        {
            throw new LanceFormatException($"Array encoding {field} where a flat buffer was expected.");
        }

        bitsPerValue = 0;
        var index = 0UL;
        var type = 0UL;
        var r = new ProtoReader(flat);
        while (r.TryReadTag(out var f, out var w))
        {
            switch (f)
            {
                case 1: bitsPerValue = r.ReadVarint(); break;
                case 2:
                    index = VarintField(r.ReadBytes(), 1);
                    break;
                case 3: throw new LanceFormatException("Compressed flat buffers are not supported.");
                default: r.Skip(w); break;
            }
        }

        var b = new ProtoReader(Field(flat, 2));
        while (b.TryReadTag(out var f, out var w))
        {
            if (f == 2)
            {
                type = b.ReadVarint();
            }
            else
            {
                b.Skip(w);
            }
        }

        if (type != 0 || index >= (ulong)buffers.Count)
        {
            throw new LanceFormatException($"Buffer {index} of type {type} is not a page buffer of this page.");
        }

        return buffers[(int)index];
    }

    private static void Require(bool condition, string what, ulong bits)
    {
        if (!condition)
        {
            throw new LanceFormatException($"{what} with {bits} bits per value do not match the column type.");
        }
    }

    /// <summary>Gets the single set field of a oneof message and its body.</summary>
    internal static int Branch(ReadOnlySpan<byte> message, out ReadOnlySpan<byte> body)
    {
        var r = new ProtoReader(message);
        while (r.TryReadTag(out var f, out var w))
        {
            if (w == WireType.LengthDelimited)
            {
                body = r.ReadBytes();
                return f;
            }

            r.Skip(w);
        }

        throw new LanceFormatException("Empty encoding message.");
    }

    /// <summary>Gets the bytes of the last occurrence of a length-delimited field, or empty.</summary>
    internal static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> message, int field)
    {
        ReadOnlySpan<byte> result = default;
        var r = new ProtoReader(message);
        while (r.TryReadTag(out var f, out var w))
        {
            if (f == field && w == WireType.LengthDelimited)
            {
                result = r.ReadBytes();
            }
            else
            {
                r.Skip(w);
            }
        }

        return result;
    }

    /// <summary>Gets a varint field's value, or 0.</summary>
    internal static ulong VarintField(ReadOnlySpan<byte> message, int field)
    {
        ulong result = 0;
        var r = new ProtoReader(message);
        while (r.TryReadTag(out var f, out var w))
        {
            if (f == field && w == WireType.Varint)
            {
                result = r.ReadVarint();
            }
            else
            {
                r.Skip(w);
            }
        }

        return result;
    }
}
