using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Connectomics.Storage.Arrow;

/// <summary>
/// Turns a list, large list or fixed-size list column of float or double into <c>FixedSizeList&lt;float32, D&gt;</c>
/// in managed memory. Problems come back as a <see cref="FloatVectorProblem"/> for the caller to report with its
/// own context (file, row group, column).
/// </summary>
internal static class FloatVectorConversion
{
    /// <summary>
    /// Converts <paramref name="column"/>; <paramref name="dimension"/> null takes it from row 0 (from the type, for
    /// a column of no rows). Returns null, with the problem, when the column cannot be converted.
    /// </summary>
    public static FixedSizeListArray? TryConvert(IArrowArray column, int? dimension, out FloatVectorProblem? problem)
    {
        problem = null;
        if (!FloatVectors.IsConvertible(column.Data.DataType))
        {
            problem = new FloatVectorProblem(FloatVectorProblemKind.Type, null, "a vector column must be a list, large list or fixed-size list of float or double.");
            return null;
        }

        if (column.Length == 0)
        {
            return FloatVectors.FromPacked(dimension ?? (column.Data.DataType as FixedSizeListType)?.ListSize ?? 1, 0, []);
        }

        if (dimension is null)
        {
            if (column.IsNull(0))
            {
                problem = NullRow(0);
                return null;
            }

            dimension = checked((int)Range(column, 0).Length);
            if (dimension == 0)
            {
                problem = new FloatVectorProblem(FloatVectorProblemKind.Length, 0, "the vector has no values.");
                return null;
            }
        }

        var d = dimension.Value;
        if ((long)column.Length * d > System.Array.MaxLength / sizeof(float))
        {
            problem = new FloatVectorProblem(FloatVectorProblemKind.TooLarge, null, $"{column.Length} vectors of {d} values do not fit in one array; read smaller batches.");
            return null;
        }

        var bytes = new byte[column.Length * d * sizeof(float)];
        var output = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
        var items = Items(column);
        for (var i = 0; i < column.Length; i++)
        {
            if (column.IsNull(i))
            {
                problem = NullRow(i);
                return null;
            }

            var (start, length) = Range(column, i);
            if (length != d)
            {
                problem = new FloatVectorProblem(FloatVectorProblemKind.Length, i, $"the vector has {length} values, but the vectors have {d}.");
                return null;
            }

            if (items.NullCount > 0)
            {
                for (var j = 0; j < d; j++)
                {
                    if (items.IsNull(checked((int)(start + j))))
                    {
                        problem = new FloatVectorProblem(FloatVectorProblemKind.Null, i, $"the vector has a null at position {j}.");
                        return null;
                    }
                }
            }

            var target = output.Slice(i * d, d);
            if (items is FloatArray floats)
            {
                floats.Values.Slice(checked((int)start), d).CopyTo(target);
            }
            else
            {
                var source = ((DoubleArray)items).Values.Slice(checked((int)start), d);
                for (var j = 0; j < d; j++)
                {
                    target[j] = (float)source[j];
                }
            }
        }

        return FloatVectors.FromPacked(d, column.Length, bytes);
    }

    private static FloatVectorProblem NullRow(int row) => new(FloatVectorProblemKind.Null, row, "the vector is null; every row needs one.");

    private static IArrowArray Items(IArrowArray column) => column switch
    {
        ListArray list => list.Values,
        LargeListArray list => list.Values,
        _ => ((FixedSizeListArray)column).Values,
    };

    private static (long Start, long Length) Range(IArrowArray column, int index) => column switch
    {
        ListArray list => (list.ValueOffsets[index], list.ValueOffsets[index + 1] - list.ValueOffsets[index]),
        LargeListArray list => (list.ValueOffsets[index], list.ValueOffsets[index + 1] - list.ValueOffsets[index]),
        _ => ((long)(column.Offset + index) * ((FixedSizeListType)column.Data.DataType).ListSize, ((FixedSizeListType)column.Data.DataType).ListSize),
    };
}
