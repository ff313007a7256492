namespace Connectomics.Volumes.Geometry;

/// <summary>
/// A half-open box of voxels <c>[Start, Stop)</c> in <c>(z, y, x)</c>. A box whose stop is not beyond its start on some
/// axis is empty.
/// </summary>
/// <param name="Start">The first voxel inside the box.</param>
/// <param name="Stop">The first voxel past the box on each axis.</param>
public readonly record struct Box3(Index3 Start, Index3 Stop)
{
    /// <summary>Creates a box from its first voxel and its size.</summary>
    /// <param name="start">The first voxel.</param>
    /// <param name="size">The extent on each axis (not negative).</param>
    /// <returns>The box.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate of <paramref name="size"/> is negative.</exception>
    public static Box3 FromStartSize(Index3 start, Index3 size)
    {
        if (size.Z < 0 || size.Y < 0 || size.X < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "A box's size cannot be negative.");
        }

        return new Box3(start, start + size);
    }

    /// <summary>Creates the box <c>[0, shape)</c>.</summary>
    /// <param name="shape">The extent.</param>
    /// <returns>The box.</returns>
    public static Box3 FromShape(Index3 shape) => FromStartSize(Index3.Zero, shape);

    /// <summary>Gets the extent on each axis (zero where the box is empty on that axis).</summary>
    public Index3 Size => Index3.Max(Stop - Start, Index3.Zero);

    /// <summary>Gets a value indicating whether the box holds no voxel.</summary>
    public bool IsEmpty => Stop.Z <= Start.Z || Stop.Y <= Start.Y || Stop.X <= Start.X;

    /// <summary>Gets the number of voxels.</summary>
    public long VoxelCount => IsEmpty ? 0 : Size.Volume;

    /// <summary>Gets whether a voxel lies inside the box.</summary>
    /// <param name="voxel">The voxel.</param>
    /// <returns><see langword="true"/> when inside.</returns>
    public bool Contains(Index3 voxel) =>
        voxel.Z >= Start.Z && voxel.Z < Stop.Z && voxel.Y >= Start.Y && voxel.Y < Stop.Y && voxel.X >= Start.X && voxel.X < Stop.X;

    /// <summary>Gets whether another box lies wholly inside this one (an empty box lies inside every box).</summary>
    /// <param name="other">The other box.</param>
    /// <returns><see langword="true"/> when inside.</returns>
    public bool Contains(Box3 other) => other.IsEmpty || (Index3.Min(other.Start, Start) == Start && Index3.Max(other.Stop, Stop) == Stop);

    /// <summary>Gets the voxels that two boxes share (possibly an empty box).</summary>
    /// <param name="other">The other box.</param>
    /// <returns>The intersection.</returns>
    public Box3 Intersect(Box3 other) => new(Index3.Max(Start, other.Start), Index3.Min(Stop, other.Stop));

    /// <summary>Grows the box by <paramref name="margin"/> on both sides of each axis (a negative margin shrinks it).</summary>
    /// <param name="margin">The margin per axis.</param>
    /// <returns>The grown box.</returns>
    public Box3 Grow(Index3 margin) => new(Start - margin, Stop + margin);

    /// <summary>Moves the box by <paramref name="offset"/>.</summary>
    /// <param name="offset">The shift.</param>
    /// <returns>The moved box.</returns>
    public Box3 Shift(Index3 offset) => new(Start + offset, Stop + offset);

    /// <inheritdoc/>
    public override string ToString() => $"[{Start.Z}:{Stop.Z}, {Start.Y}:{Stop.Y}, {Start.X}:{Stop.X}]";
}
