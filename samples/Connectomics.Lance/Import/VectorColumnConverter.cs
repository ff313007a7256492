using System.Globalization;
using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Lance.Commands;

namespace Connectomics.Lance.Import;

/// <summary>Turns a list, large list or fixed-size list column of float or double into <c>FixedSizeList&lt;float32, D&gt;</c> in managed memory.</summary>
internal static class VectorColumnConverter
{
    /// <summary>Gets the number of values in the first row of a column.</summary>
    public static int LengthOfFirstRow(IArrowArray column, string path, long firstRow, string columnName)
    {
        CheckNotNull(column, 0, path, firstRow, columnName);
        return checked((int)Range(column, 0).Length);
    }

    public static FixedSizeListArray Convert(IArrowArray column, VectorDimension dimension, string path, long firstRow, string columnName)
    {
        var d = dimension.Value;
        if ((long)column.Length * d > System.Array.MaxLength / sizeof(float))
        {
            throw new CommandInputException(string.Create(CultureInfo.InvariantCulture,
                $"'{path}', row {firstRow}: {column.Length} vectors of {d} values do not fit in one array; use a smaller --batch-rows."));
        }

        var bytes = new byte[column.Length * d * sizeof(float)];
        var output = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
        var child = Items(column);
        for (var i = 0; i < column.Length; i++)
        {
            CheckNotNull(column, i, path, firstRow, columnName);
            var (start, length) = Range(column, i);
            if (length != d)
            {
                throw new CommandInputException(string.Create(CultureInfo.InvariantCulture,
                    $"'{path}', row {firstRow + i}: column '{columnName}' has {length} values, but the vectors have {dimension}."));
            }

            if (child.NullCount > 0)
            {
                for (var j = 0; j < d; j++)
                {
                    if (child.IsNull(checked((int)(start + j))))
                    {
                        throw new CommandInputException(string.Create(CultureInfo.InvariantCulture,
                            $"'{path}', row {firstRow + i}: column '{columnName}' has a null at position {j}."));
                    }
                }
            }

            var target = output.Slice(i * d, d);
            switch (child)
            {
                case FloatArray floats:
                    floats.Values.Slice(checked((int)start), d).CopyTo(target);
                    break;
                case DoubleArray doubles:
                    var source = doubles.Values.Slice(checked((int)start), d);
                    for (var j = 0; j < d; j++)
                    {
                        target[j] = (float)source[j];
                    }

                    break;
                default:
                    throw new CommandInputException($"'{path}': column '{columnName}' holds {child.Data.DataType.Name} values, not float or double.");
            }
        }

        var items = new ArrayData(FloatType.Default, column.Length * d, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(bytes)]);
        var type = (FixedSizeListType)ImportSchema.VectorField(d).DataType;
        return new FixedSizeListArray(new ArrayData(type, column.Length, 0, 0, [ArrowBuffer.Empty], [items]));
    }

    private static void CheckNotNull(IArrowArray column, int index, string path, long firstRow, string columnName)
    {
        if (column.IsNull(index))
        {
            throw new CommandInputException(string.Create(CultureInfo.InvariantCulture,
                $"'{path}', row {firstRow + index}: column '{columnName}' is null; every row needs a vector."));
        }
    }

    private static IArrowArray Items(IArrowArray column) => column switch
    {
        ListArray list => list.Values,
        LargeListArray list => list.Values,
        FixedSizeListArray list => list.Values,
        _ => throw new InvalidOperationException($"Not a list column: {column.Data.DataType.Name}."),
    };

    private static (long Start, long Length) Range(IArrowArray column, int index) => column switch
    {
        ListArray list => (list.ValueOffsets[index], list.ValueOffsets[index + 1] - list.ValueOffsets[index]),
        LargeListArray list => (list.ValueOffsets[index], list.ValueOffsets[index + 1] - list.ValueOffsets[index]),
        FixedSizeListArray list => ((long)(list.Offset + index) * ((FixedSizeListType)list.Data.DataType).ListSize, ((FixedSizeListType)list.Data.DataType).ListSize),
        _ => throw new InvalidOperationException($"Not a list column: {column.Data.DataType.Name}."),
    };
}
