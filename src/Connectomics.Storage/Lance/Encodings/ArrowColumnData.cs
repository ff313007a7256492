using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Apache.Arrow;

namespace Connectomics.Storage.Lance.Encodings;

/// <summary>Reads the buffers of an Arrow array with its slice offset applied.</summary>
internal static class ArrowColumnData
{
    public static bool HasNulls(ArrayData data) => data.GetNullCount() > 0;

    public static bool IsValid(ArrayData data, int index)
    {
        var bitmap = data.Buffers[0].Span;
        if (bitmap.IsEmpty || data.GetNullCount() == 0)
        {
            return true;
        }

        var bit = data.Offset + index;
        return (bitmap[bit >> 3] & (1 << (bit & 7))) != 0;
    }

    /// <summary>Gets the validity bitmap re-based to offset 0 (bit set = valid).</summary>
    public static byte[] Validity(ArrayData data)
    {
        var result = new byte[(data.Length + 7) / 8];
        for (var i = 0; i < data.Length; i++)
        {
            if (IsValid(data, i))
            {
                result[i >> 3] |= (byte)(1 << (i & 7));
            }
        }

        return result;
    }

    /// <summary>Gets the values of a boolean array as a bitmap re-based to offset 0.</summary>
    public static byte[] BooleanValues(ArrayData data)
    {
        var values = data.Buffers[1].Span;
        var result = new byte[(data.Length + 7) / 8];
        for (var i = 0; i < data.Length; i++)
        {
            var bit = data.Offset + i;
            if ((values[bit >> 3] & (1 << (bit & 7))) != 0)
            {
                result[i >> 3] |= (byte)(1 << (i & 7));
            }
        }

        return result;
    }

    /// <summary>Gets the raw bytes of a fixed-width array's values.</summary>
    public static ReadOnlyMemory<byte> FixedValues(ArrayData data, int byteWidth) =>
        data.Buffers[1].Memory.Slice(data.Offset * byteWidth, data.Length * byteWidth);

    /// <summary>Gets the item bytes of a fixed-size list array (dimension items per row).</summary>
    public static ReadOnlyMemory<byte> ListItems(ArrayData data, int dimension, int byteWidth)
    {
        var child = data.Children[0];
        var start = (child.Offset + (data.Offset * dimension)) * byteWidth;
        return child.Buffers[1].Memory.Slice(start, data.Length * dimension * byteWidth);
    }

    /// <summary>Gets the item bytes of several null-free fixed-size list arrays, one piece per array, and their rows.</summary>
    /// <exception cref="ArgumentException">An array has null items inside a valid row.</exception>
    public static (ReadOnlyMemory<byte>[] Pieces, long Rows) ListItemsOfParts(IReadOnlyList<IArrowArray> parts, int dimension, int byteWidth)
    {
        var pieces = new ReadOnlyMemory<byte>[parts.Count];
        long rows = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            if (HasNullItemsInValidRows(parts[i].Data, dimension))
            {
                throw new ArgumentException("Fixed-size list columns may have null rows but no null items inside a valid row.");
            }

            pieces[i] = ListItems(parts[i].Data, dimension, byteWidth);
            rows += parts[i].Length;
        }

        return (pieces, rows);
    }

    /// <summary>Whether a fixed-size list has null items inside rows that are themselves valid.</summary>
    public static bool HasNullItemsInValidRows(ArrayData data, int dimension)
    {
        var child = data.Children[0];
        if (child.GetNullCount() == 0)
        {
            return false;
        }

        for (var row = 0; row < data.Length; row++)
        {
            if (!IsValid(data, row))
            {
                continue;
            }

            for (var j = 0; j < dimension; j++)
            {
                if (!IsValid(child, ((data.Offset + row) * dimension) + j))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Gets the byte range of value <paramref name="index"/> in a string or binary array's data buffer.</summary>
    public static (long Start, long End) ValueRange(ArrayData data, int index, bool largeOffsets)
    {
        var offsets = data.Buffers[1].Span;
        var i = data.Offset + index;
        if (largeOffsets)
        {
            var pair = MemoryMarshal.Cast<byte, long>(offsets);
            return (pair[i], pair[i + 1]);
        }

        return (BinaryPrimitives.ReadInt32LittleEndian(offsets[(i * 4)..]), BinaryPrimitives.ReadInt32LittleEndian(offsets[((i + 1) * 4)..]));
    }

    public static ReadOnlySpan<byte> ValueBytes(ArrayData data) => data.Buffers[2].Span;
}
