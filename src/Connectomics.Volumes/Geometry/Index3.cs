namespace Connectomics.Volumes.Geometry;

/// <summary>
/// A voxel index or extent in three dimensions, in the API's order <c>(z, y, x)</c> (C order: x varies fastest).
/// </summary>
/// <param name="Z">The slowest-varying coordinate.</param>
/// <param name="Y">The middle coordinate.</param>
/// <param name="X">The fastest-varying coordinate.</param>
public readonly record struct Index3(long Z, long Y, long X)
{
    /// <summary>Gets the index <c>(0, 0, 0)</c>.</summary>
    public static Index3 Zero => default;

    /// <summary>Gets an index with all three coordinates equal to <paramref name="value"/>.</summary>
    /// <param name="value">The coordinate.</param>
    /// <returns>The index.</returns>
    public static Index3 All(long value) => new(value, value, value);

    /// <summary>Gets the product of the three coordinates (the voxel count of an extent).</summary>
    public long Volume => checked(Z * Y * X);

    /// <summary>Gets the coordinate of axis <paramref name="axis"/> (0 = z, 1 = y, 2 = x).</summary>
    /// <param name="axis">The axis.</param>
    /// <returns>The coordinate.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is not 0, 1 or 2.</exception>
    public long this[int axis] => axis switch
    {
        0 => Z,
        1 => Y,
        2 => X,
        _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, "A 3-D index has axes 0 (z), 1 (y) and 2 (x)."),
    };

    /// <summary>Adds two indices coordinate by coordinate.</summary>
    /// <param name="left">The first index.</param>
    /// <param name="right">The second index.</param>
    /// <returns>The sum.</returns>
    public static Index3 operator +(Index3 left, Index3 right) => new(left.Z + right.Z, left.Y + right.Y, left.X + right.X);

    /// <summary>Subtracts two indices coordinate by coordinate.</summary>
    /// <param name="left">The first index.</param>
    /// <param name="right">The index subtracted.</param>
    /// <returns>The difference.</returns>
    public static Index3 operator -(Index3 left, Index3 right) => new(left.Z - right.Z, left.Y - right.Y, left.X - right.X);

    /// <summary>Multiplies two indices coordinate by coordinate.</summary>
    /// <param name="left">The first index.</param>
    /// <param name="right">The second index.</param>
    /// <returns>The product.</returns>
    public static Index3 operator *(Index3 left, Index3 right) => new(left.Z * right.Z, left.Y * right.Y, left.X * right.X);

    /// <summary>Adds two indices coordinate by coordinate.</summary>
    /// <param name="left">The first index.</param>
    /// <param name="right">The second index.</param>
    /// <returns>The sum.</returns>
    public static Index3 Add(Index3 left, Index3 right) => left + right;

    /// <summary>Subtracts two indices coordinate by coordinate.</summary>
    /// <param name="left">The first index.</param>
    /// <param name="right">The index subtracted.</param>
    /// <returns>The difference.</returns>
    public static Index3 Subtract(Index3 left, Index3 right) => left - right;

    /// <summary>Multiplies two indices coordinate by coordinate.</summary>
    /// <param name="left">The first index.</param>
    /// <param name="right">The second index.</param>
    /// <returns>The product.</returns>
    public static Index3 Multiply(Index3 left, Index3 right) => left * right;

    /// <summary>Gets the coordinate-wise minimum of two indices.</summary>
    /// <param name="left">The first index.</param>
    /// <param name="right">The second index.</param>
    /// <returns>The minimum.</returns>
    public static Index3 Min(Index3 left, Index3 right) => new(Math.Min(left.Z, right.Z), Math.Min(left.Y, right.Y), Math.Min(left.X, right.X));

    /// <summary>Gets the coordinate-wise maximum of two indices.</summary>
    /// <param name="left">The first index.</param>
    /// <param name="right">The second index.</param>
    /// <returns>The maximum.</returns>
    public static Index3 Max(Index3 left, Index3 right) => new(Math.Max(left.Z, right.Z), Math.Max(left.Y, right.Y), Math.Max(left.X, right.X));

    /// <summary>Converts to an array <c>[z, y, x]</c>.</summary>
    /// <returns>The coordinates.</returns>
    public long[] ToArray() => [Z, Y, X];

    /// <summary>Converts an array of three coordinates <c>[z, y, x]</c>.</summary>
    /// <param name="coordinates">The coordinates.</param>
    /// <returns>The index.</returns>
    /// <exception cref="ArgumentException"><paramref name="coordinates"/> does not have three elements.</exception>
    public static Index3 FromArray(ReadOnlySpan<long> coordinates) => coordinates.Length == 3
        ? new Index3(coordinates[0], coordinates[1], coordinates[2])
        : throw new ArgumentException($"A 3-D index needs 3 coordinates (z, y, x), not {coordinates.Length}.", nameof(coordinates));

    /// <summary>Converts a tuple <c>(z, y, x)</c>.</summary>
    /// <param name="value">The tuple.</param>
    public static implicit operator Index3((long Z, long Y, long X) value) => new(value.Z, value.Y, value.X);

    /// <summary>Converts a tuple <c>(z, y, x)</c>.</summary>
    /// <param name="value">The tuple.</param>
    /// <returns>The index.</returns>
    public static Index3 FromValueTuple((long Z, long Y, long X) value) => value;

    /// <inheritdoc/>
    public override string ToString() => $"({Z}, {Y}, {X})";
}
