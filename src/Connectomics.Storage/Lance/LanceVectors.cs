using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Connectomics.Storage.Lance;

/// <summary>Zero-copy access to the float32 values of a vector column (<c>FixedSizeList&lt;float32, D&gt;</c>).</summary>
public static class LanceVectors
{
    /// <summary>Gets the dimension of a vector column.</summary>
    /// <param name="vectors">The column.</param>
    /// <returns>D.</returns>
    public static int Dimension(FixedSizeListArray vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        return ((FixedSizeListType)vectors.Data.DataType).ListSize;
    }

    /// <summary>Gets all vectors as one row-major span of <c>Length × D</c> floats (null rows hold whatever the file stored, usually zeros).</summary>
    /// <param name="vectors">The column.</param>
    /// <returns>The values.</returns>
    /// <exception cref="ArgumentException">The items are not float32.</exception>
    public static ReadOnlySpan<float> Values(FixedSizeListArray vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        var dimension = Dimension(vectors);
        var child = vectors.Data.Children[0];
        if (child.DataType is not FloatType)
        {
            throw new ArgumentException($"The vector items are {child.DataType.Name}, not float32.", nameof(vectors));
        }

        var all = MemoryMarshal.Cast<byte, float>(child.Buffers[1].Span);
        return all.Slice(child.Offset + (vectors.Data.Offset * dimension), vectors.Length * dimension);
    }

    /// <summary>Gets one vector.</summary>
    /// <param name="vectors">The column.</param>
    /// <param name="index">The row.</param>
    /// <returns>The D values of the row.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The row does not exist.</exception>
    public static ReadOnlySpan<float> Get(FixedSizeListArray vectors, int index)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, vectors.Length);
        var dimension = Dimension(vectors);
        return Values(vectors).Slice(index * dimension, dimension);
    }
}
