using System.Globalization;

namespace Connectomics.Gpu.Models.UNet;

/// <summary>A size, stride or offset in voxels along the three spatial axes, in (z, y, x) order.</summary>
/// <param name="Z">The count along z (the slowest axis).</param>
/// <param name="Y">The count along y.</param>
/// <param name="X">The count along x (the fastest axis).</param>
public readonly record struct VoxelExtent(int Z, int Y, int X)
{
    /// <summary>Gets the number of voxels of a box of this size (Z·Y·X).</summary>
    public long Volume => (long)Z * Y * X;

    /// <summary>Gets the count along one axis.</summary>
    /// <param name="axis">0 for z, 1 for y, 2 for x.</param>
    /// <returns>The count.</returns>
    public int this[int axis] => axis switch
    {
        0 => Z,
        1 => Y,
        2 => X,
        _ => throw new ArgumentOutOfRangeException(nameof(axis), axis, "The axis must be 0 (z), 1 (y) or 2 (x)."),
    };

    /// <summary>Creates an extent with the same count along every axis.</summary>
    /// <param name="size">The count.</param>
    /// <returns>(size, size, size).</returns>
    public static VoxelExtent Cube(int size) => new(size, size, size);

    /// <summary>Creates an extent from three counts in (z, y, x) order.</summary>
    /// <param name="counts">Exactly three counts.</param>
    /// <returns>The extent.</returns>
    /// <exception cref="ArgumentException"><paramref name="counts"/> does not hold three values.</exception>
    public static VoxelExtent FromSpan(ReadOnlySpan<int> counts) => counts.Length == 3
        ? new VoxelExtent(counts[0], counts[1], counts[2])
        : throw new ArgumentException($"A voxel extent has three counts (z, y, x), not {counts.Length}.", nameof(counts));

    /// <summary>Gets the name of an axis as used in messages.</summary>
    /// <param name="axis">0, 1 or 2.</param>
    /// <returns><c>z</c>, <c>y</c> or <c>x</c>.</returns>
    internal static string AxisName(int axis) => axis switch { 0 => "z", 1 => "y", _ => "x" };

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({Z}, {Y}, {X})");
}
