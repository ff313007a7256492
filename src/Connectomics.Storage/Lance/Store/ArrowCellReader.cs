using Apache.Arrow;

namespace Connectomics.Storage.Lance.Store;

/// <summary>Reads one cell of a record column as the .NET value its <see cref="Connectomics.Stores.RecordColumnType"/> names.</summary>
internal static class ArrowCellReader
{
    /// <summary>Gets the value of row <paramref name="row"/>, or null.</summary>
    /// <exception cref="NotSupportedException">The column's type is not a record column type.</exception>
    public static object? Read(IArrowArray array, int row)
    {
        if (array.IsNull(row))
        {
            return null;
        }

        return array switch
        {
            StringArray strings => strings.GetString(row),
            Int32Array ints => ints.GetValue(row),
            Int64Array longs => longs.GetValue(row),
            FloatArray floats => floats.GetValue(row),
            DoubleArray doubles => doubles.GetValue(row),
            BooleanArray booleans => booleans.GetValue(row),
            Date32Array dates => dates.GetDateOnly(row),
            TimestampArray timestamps => timestamps.GetTimestamp(row),
            _ => throw new NotSupportedException($"A {array.Data.DataType.Name} column is not a record column."),
        };
    }
}
