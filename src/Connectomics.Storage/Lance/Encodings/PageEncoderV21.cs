using System.Buffers.Binary;
using System.Numerics;
using Apache.Arrow;
using Connectomics.Storage.Lance.Protobuf;
using Connectomics.Storage.Lance.Schema;

namespace Connectomics.Storage.Lance.Encodings;

/// <summary>
/// Encodes one Arrow array as a format 2.1 page (<c>lance.encodings21.PageLayout</c>) with uncompressed
/// encodings: mini-block chunks for numbers, booleans, strings and narrow vectors; full-zip for vectors of
/// 256 bytes or more when the page has no null rows; an all-null layout for pages of nulls.
/// </summary>
internal static class PageEncoderV21
{
    /// <summary>Fixed-width values per chunk are chosen so that a chunk's values take about this many bytes.</summary>
    internal const int TargetChunkValueBytes = 4096;

    /// <summary>Upper bound of a chunk's size (the chunk table stores size/8 − 1 in 12 bits).</summary>
    internal const int MaxChunkBytes = 32 * 1024;

    /// <summary>Vectors at least this wide (in bytes) use the full-zip layout.</summary>
    internal const int FullZipThresholdBytes = 256;

    private const int AllValidItem = 1;
    private const int NullableItem = 3;

    public static EncodedPage Encode(IArrowArray array, ColumnType type)
    {
        var data = array.Data;
        var n = data.Length;
        var hasNulls = ArrowColumnData.HasNulls(data);
        if (n > 0 && data.GetNullCount() == n)
        {
            return Page([], Message(w => w.WriteMessage(2, a => a.WritePackedInt32(5, [NullableItem]))), n);
        }

        if (type.Kind == ColumnKind.FixedSizeList && ArrowColumnData.HasNullItemsInValidRows(data, type.Dimension))
        {
            throw new ArgumentException("Fixed-size list columns may have null rows but no null items inside a valid row.");
        }

        var valueWidth = type.Kind == ColumnKind.FixedSizeList ? type.ByteWidth * type.Dimension : type.ByteWidth;
        if (type.Kind == ColumnKind.FixedSizeList && !hasNulls && valueWidth >= FullZipThresholdBytes)
        {
            return FullZip(data, type, valueWidth);
        }

        var valueCompression = type.Kind switch
        {
            ColumnKind.String or ColumnKind.Binary => Message(w => w.WriteMessage(2, v => v.WriteBytesPresent(1, Flat(type.LargeOffsets ? 64 : 32)))),
            ColumnKind.FixedSizeList => Message(w => w.WriteMessage(11, l =>
            {
                l.WriteUInt64(1, (ulong)type.Dimension);
                l.WriteBytesPresent(2, Flat(type.ByteWidth * 8));
            })),
            ColumnKind.Boolean => Flat(1),
            _ => Flat(type.ByteWidth * 8),
        };

        var (chunkTable, chunks) = BuildChunks(data, type, valueWidth, hasNulls);
        var layout = Message(w => w.WriteMessage(1, m =>
        {
            if (hasNulls)
            {
                m.WriteBytesPresent(2, Flat(16));
            }

            m.WriteBytesPresent(3, valueCompression);
            m.WritePackedInt32(6, [hasNulls ? NullableItem : AllValidItem]);
            m.WriteUInt64(7, 1);
            m.WriteUInt64(9, (ulong)n);
        }));
        return Page([chunkTable, chunks], layout, n);
    }

    /// <summary>
    /// Encodes consecutive arrays as one page without concatenating them, when the page takes the full-zip layout
    /// (wide vectors, no null rows): the page's value buffer is then the arrays' item bytes back to back, exactly
    /// what encoding their concatenation gives. Returns null for every other case; the caller concatenates.
    /// </summary>
    public static EncodedPage? TryEncodeParts(IReadOnlyList<IArrowArray> parts, ColumnType type)
    {
        var valueWidth = type.ByteWidth * type.Dimension;
        if (type.Kind != ColumnKind.FixedSizeList || valueWidth < FullZipThresholdBytes || parts.Any(p => ArrowColumnData.HasNulls(p.Data)))
        {
            return null;
        }

        var (pieces, rows) = ArrowColumnData.ListItemsOfParts(parts, type.Dimension, type.ByteWidth);

        return new EncodedPage([pieces], EncodingMessages.Any(EncodingMessages.PageLayoutUrl, FullZipLayout(type, valueWidth, rows)), rows);
    }

    private static EncodedPage FullZip(ArrayData data, ColumnType type, int valueWidth) =>
        Page([ArrowColumnData.ListItems(data, type.Dimension, type.ByteWidth)], FullZipLayout(type, valueWidth, data.Length), data.Length);

    private static byte[] FullZipLayout(ColumnType type, int valueWidth, long rows) => Message(w => w.WriteMessage(3, z =>
    {
        z.WriteUInt64(3, (ulong)valueWidth * 8);
        z.WriteUInt64(5, (ulong)rows);
        z.WriteUInt64(6, (ulong)rows);
        z.WriteMessage(7, c => c.WriteMessage(11, l =>
        {
            l.WriteUInt64(1, (ulong)type.Dimension);
            l.WriteBytesPresent(2, Flat(type.ByteWidth * 8));
        }));
        z.WritePackedInt32(8, [AllValidItem]);
    }));

    private static (byte[] ChunkTable, byte[] Chunks) BuildChunks(ArrayData data, ColumnType type, int valueWidth, bool hasNulls)
    {
        var n = data.Length;
        var table = new List<ushort>();
        using var chunks = new MemoryStream();
        var start = 0;
        while (start < n)
        {
            var remaining = n - start;
            var count = ChooseCount(data, type, valueWidth, start, remaining, hasNulls);
            var isLast = count == remaining;
            var chunk = BuildChunk(data, type, valueWidth, start, count, hasNulls);
            if (chunk.Length > MaxChunkBytes)
            {
                throw new ArgumentException($"A single value is too large for a 2.1 mini-block chunk ({chunk.Length} bytes); use data storage version 2.0 for such columns.");
            }

            var log2 = isLast ? 0 : BitOperations.Log2((uint)count);
            table.Add((ushort)((((chunk.Length / 8) - 1) << 4) | log2));
            chunks.Write(chunk);
            start += count;
        }

        var tableBytes = new byte[table.Count * 2];
        for (var i = 0; i < table.Count; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(tableBytes.AsSpan(i * 2), table[i]);
        }

        return (tableBytes, chunks.ToArray());
    }

    private static int ChooseCount(ArrayData data, ColumnType type, int valueWidth, int start, int remaining, bool hasNulls)
    {
        int count;
        if (type.Kind is ColumnKind.String or ColumnKind.Binary)
        {
            count = 4096;
            while (count > 1 && ChunkSize(data, type, start, Math.Min(count, remaining), hasNulls) > MaxChunkBytes / 2)
            {
                count /= 2;
            }
        }
        else
        {
            count = type.Kind == ColumnKind.Boolean
                ? TargetChunkValueBytes
                : 1 << BitOperations.Log2((uint)Math.Max(1, TargetChunkValueBytes / valueWidth));
        }

        return remaining <= count ? remaining : count;
    }

    private static long ChunkSize(ArrayData data, ColumnType type, int start, int count, bool hasNulls)
    {
        long bytes = (type.LargeOffsets ? 8L : 4L) * (count + 1);
        for (var i = start; i < start + count; i++)
        {
            if (ArrowColumnData.IsValid(data, i))
            {
                var (s, e) = ArrowColumnData.ValueRange(data, i, type.LargeOffsets);
                bytes += e - s;
            }
        }

        return 8 + Pad8(hasNulls ? 2L * count : 0) + Pad8(bytes);
    }

    private static byte[] BuildChunk(ArrayData data, ColumnType type, int valueWidth, int start, int count, bool hasNulls)
    {
        var values = ChunkValues(data, type, valueWidth, start, count);
        using var chunk = new MemoryStream();
        static void WriteU16(MemoryStream s, int value)
        {
            var v = checked((ushort)value);
            s.WriteByte((byte)v);
            s.WriteByte((byte)(v >> 8));
        }

        WriteU16(chunk, hasNulls ? count : 0);
        if (hasNulls)
        {
            WriteU16(chunk, count * 2);
        }

        WriteU16(chunk, values.Length);
        PadTo8(chunk);
        if (hasNulls)
        {
            for (var i = 0; i < count; i++)
            {
                WriteU16(chunk, ArrowColumnData.IsValid(data, start + i) ? 0 : 1);
            }

            PadTo8(chunk);
        }

        chunk.Write(values);
        PadTo8(chunk);
        return chunk.ToArray();
    }

    private static byte[] ChunkValues(ArrayData data, ColumnType type, int valueWidth, int start, int count)
    {
        switch (type.Kind)
        {
            case ColumnKind.Boolean:
            {
                var bits = ArrowColumnData.BooleanValues(data.Slice(start, count));
                return bits;
            }

            case ColumnKind.String or ColumnKind.Binary:
            {
                var source = ArrowColumnData.ValueBytes(data);
                var offsetWidth = type.LargeOffsets ? 8 : 4;
                var offsetsBytes = offsetWidth * (count + 1);
                long total = offsetsBytes;
                for (var i = 0; i < count; i++)
                {
                    if (ArrowColumnData.IsValid(data, start + i))
                    {
                        var (s, e) = ArrowColumnData.ValueRange(data, start + i, type.LargeOffsets);
                        total += e - s;
                    }
                }

                var buffer = new byte[PadTo(total, offsetWidth)];
                var position = offsetsBytes;
                WriteOffset(buffer, 0, offsetWidth, position);
                for (var i = 0; i < count; i++)
                {
                    if (ArrowColumnData.IsValid(data, start + i))
                    {
                        var (s, e) = ArrowColumnData.ValueRange(data, start + i, type.LargeOffsets);
                        source[(int)s..(int)e].CopyTo(buffer.AsSpan(position));
                        position += (int)(e - s);
                    }

                    WriteOffset(buffer, i + 1, offsetWidth, position);
                }

                return buffer;
            }

            case ColumnKind.FixedSizeList:
                return ArrowColumnData.ListItems(data.Slice(start, count), type.Dimension, type.ByteWidth).ToArray();

            default:
                return ArrowColumnData.FixedValues(data, valueWidth).Slice(start * valueWidth, count * valueWidth).ToArray();
        }
    }

    private static byte[] Flat(int bits) => Message(w => w.WriteMessage(1, f => f.WriteUInt64(1, (ulong)bits)));

    private static EncodedPage Page(IReadOnlyList<ReadOnlyMemory<byte>> buffers, byte[] layout, long rows) =>
        new(buffers, EncodingMessages.Any(EncodingMessages.PageLayoutUrl, layout), rows);

    private static long Pad8(long value) => (value + 7) & ~7L;

    private static long PadTo(long value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static void WriteOffset(byte[] buffer, int index, int width, int value)
    {
        if (width == 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(index * 8), (ulong)value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(index * 4), (uint)value);
        }
    }

    private static void PadTo8(MemoryStream stream)
    {
        while (stream.Length % 8 != 0)
        {
            stream.WriteByte(0);
        }
    }

    private static byte[] Message(Action<ProtoWriter> build)
    {
        var w = new ProtoWriter();
        build(w);
        return w.ToArray();
    }
}
