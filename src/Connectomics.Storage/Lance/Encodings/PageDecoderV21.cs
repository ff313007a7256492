using System.Buffers.Binary;
using Connectomics.Storage.Lance.Protobuf;
using Connectomics.Storage.Lance.Schema;
using static Connectomics.Storage.Lance.Encodings.PageDecoderV20;

namespace Connectomics.Storage.Lance.Encodings;

/// <summary>
/// Decodes format 2.1 pages (<c>lance.encodings21.PageLayout</c>) that use uncompressed encodings: mini-block
/// pages with flat, variable-width and fixed-size-list values and flat 16-bit definition levels, full-zip pages
/// of non-null fixed-width values, and all-null pages. Compressed encodings (bit-packing, FSST, dictionary,
/// RLE, general compression), which LanceDB's writer picks by default, are rejected with a clear error.
/// </summary>
internal static class PageDecoderV21
{
    private const int MiniBlock = 1;
    private const int AllNull = 2;
    private const int FullZip = 3;

    private const int CompressiveFlat = 1;
    private const int CompressiveVariable = 2;
    private const int CompressiveFixedSizeList = 11;

    private static readonly string[] CompressiveNames =
    [
        "none", "flat", "variable", "constant", "out_of_line_bitpacking", "inline_bitpacking", "fsst", "dictionary", "rle",
        "byte_stream_split", "general", "fixed_size_list", "packed_struct", "variable_packed_struct",
    ];

    public static void Decode(ReadOnlySpan<byte> layout, IReadOnlyList<ReadOnlyMemory<byte>> buffers, int rows, ColumnAccumulator output)
    {
        var kind = Branch(layout, out var body);
        switch (kind)
        {
            case AllNull:
                for (var i = 0; i < rows; i++)
                {
                    output.AppendValidity(false);
                }

                output.AppendZeros(rows);
                break;
            case MiniBlock:
                DecodeMiniBlock(body, buffers, rows, output);
                break;
            case FullZip:
                DecodeFullZip(body, buffers, rows, output);
                break;
            default:
                throw new LanceFormatException($"Page layout {kind} is not supported.");
        }
    }

    private static void DecodeFullZip(ReadOnlySpan<byte> zip, IReadOnlyList<ReadOnlyMemory<byte>> buffers, int rows, ColumnAccumulator output)
    {
        if (VarintField(zip, 1) != 0 || VarintField(zip, 2) != 0)
        {
            throw new LanceFormatException("Full-zip pages with repetition or definition levels are not supported.");
        }

        var bits = VarintField(zip, 3);
        CheckValueCompression(Field(zip, 7), output);
        if (bits != (ulong)output.RowWidth * 8 || buffers.Count < 1)
        {
            throw new LanceFormatException($"Full-zip page with {bits} bits per value does not match the column type.");
        }

        output.AppendAllValid(rows);
        output.AppendFixed(buffers[0], rows);
    }

    private static void DecodeMiniBlock(ReadOnlySpan<byte> mini, IReadOnlyList<ReadOnlyMemory<byte>> buffers, int rows, ColumnAccumulator output)
    {
        if (!Field(mini, 1).IsEmpty || !Field(mini, 4).IsEmpty)
        {
            throw new LanceFormatException("Mini-block pages with repetition levels or dictionaries are not supported.");
        }

        var def = Field(mini, 2);
        var hasDef = !def.IsEmpty;
        if (hasDef && (Branch(def, out var defBody) != CompressiveFlat || VarintField(defBody, 1) != 16))
        {
            throw new LanceFormatException($"Definition levels encoded as {Describe(def)} are not supported.");
        }

        var numBuffers = VarintField(mini, 7);
        if (numBuffers != 1)
        {
            throw new LanceFormatException($"Mini-block pages with {numBuffers} value buffers per chunk are not supported.");
        }

        var values = Field(mini, 3);
        var variableOffsetBits = CheckValueCompression(values, output);
        var numItems = (long)VarintField(mini, 9);
        if (numItems != rows || buffers.Count < 2)
        {
            throw new LanceFormatException($"Mini-block page holds {numItems} items for {rows} rows.");
        }

        var table = buffers[0].Span;
        var chunks = buffers[1];
        long seen = 0;
        var position = 0;
        for (var c = 0; c < table.Length / 2; c++)
        {
            var word = BinaryPrimitives.ReadUInt16LittleEndian(table[(c * 2)..]);
            var size = ((word >> 4) + 1) * 8;
            var isLast = c == (table.Length / 2) - 1;
            var count = isLast ? (int)(numItems - seen) : 1 << (word & 0xF);
            if (position + size > chunks.Length || count < 0)
            {
                throw new LanceFormatException("Mini-block chunk runs past its page buffer.");
            }

            DecodeChunk(chunks.Slice(position, size), count, hasDef, variableOffsetBits, output);
            position += size;
            seen += count;
        }

        if (seen != numItems)
        {
            throw new LanceFormatException($"Mini-block chunks hold {seen} items; the page says {numItems}.");
        }
    }

    private static void DecodeChunk(ReadOnlyMemory<byte> chunkMemory, int count, bool hasDef, int variableOffsetBits, ColumnAccumulator output)
    {
        var chunk = chunkMemory.Span;
        var header = 2 + (hasDef ? 2 : 0) + 2;
        var defSize = hasDef ? BinaryPrimitives.ReadUInt16LittleEndian(chunk[2..]) : 0;
        var valueSize = BinaryPrimitives.ReadUInt16LittleEndian(chunk[(header - 2)..]);
        var at = Pad8(header);
        var defs = chunk.Slice(at, defSize);
        at += Pad8(defSize);
        var values = chunk.Slice(at, valueSize);
        for (var i = 0; i < count; i++)
        {
            output.AppendValidity(!hasDef || BinaryPrimitives.ReadUInt16LittleEndian(defs[(i * 2)..]) == 0);
        }

        switch (output.Type.Kind)
        {
            case ColumnKind.Boolean:
                output.AppendBits(values, count);
                break;
            case ColumnKind.String or ColumnKind.Binary:
                var width = variableOffsetBits / 8;
                for (var i = 0; i < count; i++)
                {
                    var start = ReadOffset(values, i, width);
                    var end = ReadOffset(values, i + 1, width);
                    if (start > end || end > values.Length)
                    {
                        throw new LanceFormatException("Variable-width offsets out of range.");
                    }

                    output.AppendValue(values[(int)start..(int)end]);
                }

                break;
            default:
                output.AppendFixed(chunkMemory.Slice(at, valueSize), count);
                break;
        }
    }

    /// <summary>Checks that the value compression is an uncompressed layout of the column type; returns the offset width of variable data.</summary>
    private static int CheckValueCompression(ReadOnlySpan<byte> encoding, ColumnAccumulator output)
    {
        var kind = Branch(encoding, out var body);
        var type = output.Type;
        switch (kind)
        {
            case CompressiveFlat when Field(body, 2).IsEmpty:
                var bits = VarintField(body, 1);
                var expected = type.Kind == ColumnKind.Boolean ? 1UL : (ulong)type.ByteWidth * 8;
                if (type.Kind is ColumnKind.FixedWidth or ColumnKind.Boolean && bits == expected)
                {
                    return 0;
                }

                break;
            case CompressiveVariable when type.Kind is ColumnKind.String or ColumnKind.Binary && Field(body, 2).IsEmpty:
                var offsets = Field(body, 1);
                if (Branch(offsets, out var offsetBody) == CompressiveFlat && VarintField(offsetBody, 1) is 32 or 64)
                {
                    return (int)VarintField(offsetBody, 1);
                }

                break;
            case CompressiveFixedSizeList when type.Kind == ColumnKind.FixedSizeList:
                var items = Field(body, 2);
                if (VarintField(body, 1) == (ulong)type.Dimension && VarintField(body, 3) == 0
                    && Branch(items, out var itemBody) == CompressiveFlat && VarintField(itemBody, 1) == (ulong)type.ByteWidth * 8 && Field(itemBody, 2).IsEmpty)
                {
                    return 0;
                }

                break;
        }

        throw new LanceFormatException(
            $"Values encoded as {Describe(encoding)} are not supported for {type.ArrowType.Name} columns; this library reads 2.1 pages with uncompressed encodings only (write the table with data storage version 2.0 to exchange it with LanceDB).");
    }

    private static string Describe(ReadOnlySpan<byte> encoding)
    {
        var kind = Branch(encoding, out _);
        return kind < CompressiveNames.Length ? CompressiveNames[kind] : $"encoding {kind}";
    }

    private static long ReadOffset(ReadOnlySpan<byte> values, int index, int width) =>
        width == 8 ? (long)BinaryPrimitives.ReadUInt64LittleEndian(values[(index * 8)..]) : BinaryPrimitives.ReadUInt32LittleEndian(values[(index * 4)..]);

    private static int Pad8(int value) => (value + 7) & ~7;
}
