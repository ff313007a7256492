using System.Numerics;
using System.Runtime.InteropServices;
using Connectomics.Volumes.Data;

namespace Connectomics.Volumes.Zarr;

/// <summary>
/// Compares chunks with the fill value and fills parts of them: a chunk whose elements all equal the fill value is not
/// stored, as zarr-python and zarrita do by default.
/// </summary>
internal static class ChunkFill
{
    /// <summary>
    /// Gets whether every element of <paramref name="elements"/> equals <paramref name="fill"/>: bit for bit for
    /// integers, by value for floating-point types as NumPy compares them (any NaN matches a NaN fill, <c>-0.0</c>
    /// matches <c>0.0</c>).
    /// </summary>
    /// <param name="elements">The elements, little-endian.</param>
    /// <param name="fill">One element, little-endian.</param>
    /// <param name="type">The element type.</param>
    /// <returns><see langword="true"/> when all elements equal the fill value (or there are none).</returns>
    public static bool IsAllFill(ReadOnlySpan<byte> elements, ReadOnlySpan<byte> fill, VoxelType type)
    {
        var bitwise = fill.Length switch
        {
            1 => !elements.ContainsAnyExcept(fill[0]),
            2 => !MemoryMarshal.Cast<byte, ushort>(elements).ContainsAnyExcept(MemoryMarshal.Read<ushort>(fill)),
            4 => !MemoryMarshal.Cast<byte, uint>(elements).ContainsAnyExcept(MemoryMarshal.Read<uint>(fill)),
            8 => !MemoryMarshal.Cast<byte, ulong>(elements).ContainsAnyExcept(MemoryMarshal.Read<ulong>(fill)),
            _ => throw new ArgumentOutOfRangeException(nameof(fill), fill.Length, "Elements are 1, 2, 4 or 8 bytes."),
        };
        if (bitwise || !type.IsFloatingPoint())
        {
            return bitwise;
        }

        return type switch
        {
            VoxelType.Float16 => AllEqual(MemoryMarshal.Cast<byte, Half>(elements), MemoryMarshal.Read<Half>(fill)),
            VoxelType.Float32 => AllEqual(MemoryMarshal.Cast<byte, float>(elements), MemoryMarshal.Read<float>(fill)),
            _ => AllEqual(MemoryMarshal.Cast<byte, double>(elements), MemoryMarshal.Read<double>(fill)),
        };
    }

    /// <summary>Sets every element of <paramref name="elements"/> to <paramref name="fill"/>.</summary>
    /// <param name="elements">The elements.</param>
    /// <param name="fill">One element.</param>
    public static void Fill(Span<byte> elements, ReadOnlySpan<byte> fill)
    {
        switch (fill.Length)
        {
            case 1:
                elements.Fill(fill[0]);
                break;
            case 2:
                MemoryMarshal.Cast<byte, ushort>(elements).Fill(MemoryMarshal.Read<ushort>(fill));
                break;
            case 4:
                MemoryMarshal.Cast<byte, uint>(elements).Fill(MemoryMarshal.Read<uint>(fill));
                break;
            case 8:
                MemoryMarshal.Cast<byte, ulong>(elements).Fill(MemoryMarshal.Read<ulong>(fill));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fill), fill.Length, "Elements are 1, 2, 4 or 8 bytes.");
        }
    }

    /// <summary>
    /// Sets to <paramref name="fill"/> the elements of a whole chunk (C order) that lie past the array's edge, so that an
    /// edge chunk is stored as zarr-python stores it and compares with the fill value as it does.
    /// </summary>
    /// <param name="chunk">The chunk's elements, C order over <paramref name="chunkShape"/>.</param>
    /// <param name="chunkShape">The chunk's shape.</param>
    /// <param name="validShape">How many elements along each axis lie inside the array (at most the chunk's extent).</param>
    /// <param name="fill">One element.</param>
    public static void FillOutside(Span<byte> chunk, ReadOnlySpan<int> chunkShape, ReadOnlySpan<int> validShape, ReadOnlySpan<byte> fill)
    {
        var rank = chunkShape.Length;
        if (rank == 0)
        {
            return;
        }

        var elementSize = fill.Length;

        // Along axis a, every run of chunkShape[a..] elements whose index on axis a is ≥ validShape[a] is outside; walk
        // the inside part of the axes before a and fill that tail of each run.
        Span<int> index = stackalloc int[rank];
        for (var axis = 0; axis < rank; axis++)
        {
            if (validShape[axis] >= chunkShape[axis])
            {
                continue;
            }

            long inner = elementSize;
            for (var a = axis + 1; a < rank; a++)
            {
                inner *= chunkShape[a];
            }

            var runLength = inner * chunkShape[axis];
            var outsideStart = inner * validShape[axis];
            index[..axis].Clear();
            while (true)
            {
                long run = 0;
                for (var a = 0; a < axis; a++)
                {
                    run = (run * chunkShape[a]) + index[a];
                }

                Fill(chunk.Slice((int)((run * runLength) + outsideStart), (int)(runLength - outsideStart)), fill);

                var carry = axis - 1;
                while (carry >= 0 && ++index[carry] == validShape[carry])
                {
                    index[carry] = 0;
                    carry--;
                }

                if (carry < 0)
                {
                    break;
                }
            }
        }
    }

    private static bool AllEqual<T>(ReadOnlySpan<T> elements, T fill)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (T.IsNaN(fill))
        {
            foreach (var element in elements)
            {
                if (!T.IsNaN(element))
                {
                    return false;
                }
            }

            return true;
        }

        foreach (var element in elements)
        {
            if (element != fill)
            {
                return false;
            }
        }

        return true;
    }
}
