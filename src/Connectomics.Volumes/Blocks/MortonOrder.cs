using Connectomics.Volumes.Geometry;

namespace Connectomics.Volumes.Blocks;

/// <summary>
/// The Morton (Z-order) curve over a 3-D grid of any size: the bits of the <c>z</c>, <c>y</c> and <c>x</c> coordinates
/// interleaved, lowest bits last, <c>z</c> before <c>y</c> before <c>x</c> within each bit. Each axis contributes only the
/// bits its extent needs, so a grid that is long on one axis keeps codes below 8 × its cell count, and cells close in
/// the code are close in space.
/// </summary>
public static class MortonOrder
{
    /// <summary>The most bits a code can have.</summary>
    public const int MaxBits = 62;

    /// <summary>Gets the code of a cell.</summary>
    /// <param name="index">The cell, inside <paramref name="gridShape"/>.</param>
    /// <param name="gridShape">The grid's extent (at least 1 on each axis).</param>
    /// <returns>The code.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The cell is outside the grid, or the grid is too large.</exception>
    public static long Encode(Index3 index, Index3 gridShape)
    {
        var bits = BitsPerAxis(gridShape);
        if (!Box3.FromShape(gridShape).Contains(index))
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The cell is outside the grid {gridShape}.");
        }

        var code = 0L;
        var shift = 0;
        var levels = Math.Max(bits.Z, Math.Max(bits.Y, bits.X));
        for (var level = 0; level < levels; level++)
        {
            if (level < bits.X)
            {
                code |= ((index.X >> level) & 1) << shift++;
            }

            if (level < bits.Y)
            {
                code |= ((index.Y >> level) & 1) << shift++;
            }

            if (level < bits.Z)
            {
                code |= ((index.Z >> level) & 1) << shift++;
            }
        }

        return code;
    }

    /// <summary>Gets the cell of a code.</summary>
    /// <param name="code">The code (one that <see cref="Encode"/> gives for a cell of the grid).</param>
    /// <param name="gridShape">The grid's extent.</param>
    /// <returns>The cell.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The code names no cell of the grid.</exception>
    public static Index3 Decode(long code, Index3 gridShape)
    {
        var bits = BitsPerAxis(gridShape);
        ArgumentOutOfRangeException.ThrowIfNegative(code);
        long z = 0, y = 0, x = 0;
        var shift = 0;
        var levels = Math.Max(bits.Z, Math.Max(bits.Y, bits.X));
        for (var level = 0; level < levels; level++)
        {
            if (level < bits.X)
            {
                x |= ((code >> shift++) & 1) << level;
            }

            if (level < bits.Y)
            {
                y |= ((code >> shift++) & 1) << level;
            }

            if (level < bits.Z)
            {
                z |= ((code >> shift++) & 1) << level;
            }
        }

        var cell = new Index3(z, y, x);
        if ((code >> shift) != 0 || !Box3.FromShape(gridShape).Contains(cell))
        {
            throw new ArgumentOutOfRangeException(nameof(code), code, $"The code names no cell of the grid {gridShape}.");
        }

        return cell;
    }

    /// <summary>Enumerates every cell of a grid once, in increasing code order; codes that name no cell are skipped
    /// without being visited one by one.</summary>
    /// <param name="gridShape">The grid's extent (an empty grid has no cells).</param>
    /// <returns>The cells.</returns>
    public static IEnumerable<Index3> Enumerate(Index3 gridShape)
    {
        if (gridShape.Z <= 0 || gridShape.Y <= 0 || gridShape.X <= 0)
        {
            return [];
        }

        var bits = BitsPerAxis(gridShape);
        return EnumerateCore(gridShape, bits);
    }

    private static IEnumerable<Index3> EnumerateCore(Index3 gridShape, Index3 bits)
    {
        var levels = (int)Math.Max(bits.Z, Math.Max(bits.Y, bits.X));

        // Depth-first over the bit levels, highest first: each level splits the axes that still have a bit there, in
        // code order (z bit most significant); a sub-cube starting outside the grid holds no cell and is dropped.
        var stack = new Stack<(Index3 Origin, int Level)>();
        stack.Push((Index3.Zero, levels - 1));
        var axes = new int[3];
        while (stack.Count > 0)
        {
            var (origin, level) = stack.Pop();
            if (level < 0)
            {
                yield return origin;
                continue;
            }

            var count = 0;
            if (level < bits.Z)
            {
                axes[count++] = 0;
            }

            if (level < bits.Y)
            {
                axes[count++] = 1;
            }

            if (level < bits.X)
            {
                axes[count++] = 2;
            }

            // Push children in reverse code order so the lowest code pops first.
            for (var child = (1 << count) - 1; child >= 0; child--)
            {
                long z = origin.Z, y = origin.Y, x = origin.X;
                for (var i = 0; i < count; i++)
                {
                    if (((child >> (count - 1 - i)) & 1) == 0)
                    {
                        continue;
                    }

                    switch (axes[i])
                    {
                        case 0: z += 1L << level; break;
                        case 1: y += 1L << level; break;
                        default: x += 1L << level; break;
                    }
                }

                if (z < gridShape.Z && y < gridShape.Y && x < gridShape.X)
                {
                    stack.Push((new Index3(z, y, x), level - 1));
                }
            }
        }
    }

    /// <summary>Gets the bits each axis contributes: the fewest that count its cells.</summary>
    private static Index3 BitsPerAxis(Index3 gridShape)
    {
        if (gridShape.Z < 1 || gridShape.Y < 1 || gridShape.X < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(gridShape), gridShape, "A grid needs at least one cell on every axis.");
        }

        var bits = new Index3(BitsFor(gridShape.Z), BitsFor(gridShape.Y), BitsFor(gridShape.X));
        if (bits.Z + bits.Y + bits.X > MaxBits)
        {
            throw new ArgumentOutOfRangeException(nameof(gridShape), gridShape, $"The grid needs more than {MaxBits} bits of Morton code.");
        }

        return bits;
    }

    private static long BitsFor(long extent) => extent <= 1 ? 0 : 64 - long.LeadingZeroCount(extent - 1);
}
