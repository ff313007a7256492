using Apache.Arrow;
using Apache.Arrow.Types;

namespace Connectomics.Storage.Arrow;

/// <summary>
/// The vector shape of Lance tables and vector search, <c>FixedSizeList&lt;float32, D&gt;</c>, and the Arrow
/// columns that can be turned into it: a list, large list or fixed-size list of float or double.
/// </summary>
/// <remarks>
/// To turn a column read from Parquet into vectors, use
/// <see cref="Parquet.ParquetArrowBatch.ToFloatVectors(string, int?)"/>, whose errors name the file, row group,
/// row and column.
/// </remarks>
public static class FloatVectors
{
    /// <summary>The name of the item field of the vector type, as LanceDB and pyarrow name it.</summary>
    private const string ItemName = "item";

    /// <summary>Determines whether a column of <paramref name="type"/> can be turned into float vectors.</summary>
    /// <param name="type">The column type.</param>
    /// <returns><see langword="true"/> for a list, large list or fixed-size list of float or double.</returns>
    public static bool IsConvertible(IArrowType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type is ListType or LargeListType or FixedSizeListType
            && ((NestedType)type).Fields[0].DataType.TypeId is ArrowTypeId.Float or ArrowTypeId.Double;
    }

    /// <summary>Creates the vector type <c>FixedSizeList&lt;float32, D&gt;</c> (nullable items named <c>item</c>).</summary>
    /// <param name="dimension">The number of values of each vector, D.</param>
    /// <returns>The type.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is less than 1.</exception>
    public static FixedSizeListType CreateType(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        return new FixedSizeListType(new Field(ItemName, FloatType.Default, true), dimension);
    }

    /// <summary>Wraps packed float32 values, <paramref name="rows"/> vectors of <paramref name="dimension"/> each, as a
    /// null-free column of <see cref="CreateType"/> without copying them.</summary>
    /// <param name="dimension">The values per vector.</param>
    /// <param name="rows">The vectors.</param>
    /// <param name="values">The values, little-endian float32, row after row.</param>
    /// <returns>The column.</returns>
    internal static FixedSizeListArray FromPacked(int dimension, int rows, byte[] values)
    {
        var items = new ArrayData(FloatType.Default, rows * dimension, 0, 0, [ArrowBuffer.Empty, new ArrowBuffer(values)]);
        return new FixedSizeListArray(new ArrayData(CreateType(dimension), rows, 0, 0, [ArrowBuffer.Empty], [items]));
    }
}
