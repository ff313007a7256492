using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Connectomics.Volumes.Zarr;

/// <summary>
/// Permutes the axes of an N-dimensional array of elements held in C order, as NumPy's <c>transpose</c> followed by a
/// C-order copy: a Fortran-order Zarr v2 chunk is the C-order array of the reversed shape, and a Zarr v3
/// <c>transpose</c> codec is any permutation.
/// </summary>
internal static class ElementTranspose
{
    /// <summary>
    /// Writes <c>source.transpose(permutation)</c> in C order: axis <c>i</c> of the destination is axis
    /// <c>permutation[i]</c> of the source.
    /// </summary>
    /// <param name="source">The source elements, C order over <paramref name="sourceShape"/>.</param>
    /// <param name="destination">Receives the permuted elements; as long as <paramref name="source"/>, not overlapping it.</param>
    /// <param name="sourceShape">The source's shape.</param>
    /// <param name="permutation">For each destination axis, the source axis it is.</param>
    /// <param name="elementSize">1, 2, 4 or 8.</param>
    public static void Permute(ReadOnlySpan<byte> source, Span<byte> destination, ReadOnlySpan<int> sourceShape, ReadOnlySpan<int> permutation, int elementSize)
    {
        if (source.Length != destination.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes, the source {source.Length}.", nameof(destination));
        }

        switch (elementSize)
        {
            case 1:
                Permute(source, destination, sourceShape, permutation);
                break;
            case 2:
                Permute(MemoryMarshal.Cast<byte, ushort>(source), MemoryMarshal.Cast<byte, ushort>(destination), sourceShape, permutation);
                break;
            case 4:
                Permute(MemoryMarshal.Cast<byte, uint>(source), MemoryMarshal.Cast<byte, uint>(destination), sourceShape, permutation);
                break;
            case 8:
                Permute(MemoryMarshal.Cast<byte, ulong>(source), MemoryMarshal.Cast<byte, ulong>(destination), sourceShape, permutation);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(elementSize), elementSize, "Elements are 1, 2, 4 or 8 bytes.");
        }
    }

    /// <summary>Gets the permutation that reverses the axes: <c>[n-1, …, 1, 0]</c> (Fortran order ↔ C order).</summary>
    /// <param name="rank">The number of axes.</param>
    /// <returns>The permutation.</returns>
    public static int[] Reversal(int rank)
    {
        var permutation = new int[rank];
        for (var axis = 0; axis < rank; axis++)
        {
            permutation[axis] = rank - 1 - axis;
        }

        return permutation;
    }

    /// <summary>Gets the permutation that undoes <paramref name="permutation"/>: permuting by one and then the other
    /// leaves the axes as they were.</summary>
    /// <param name="permutation">For each destination axis, the source axis it is.</param>
    /// <returns>The inverse permutation.</returns>
    public static int[] Inverse(ReadOnlySpan<int> permutation)
    {
        var inverse = new int[permutation.Length];
        for (var axis = 0; axis < permutation.Length; axis++)
        {
            inverse[permutation[axis]] = axis;
        }

        return inverse;
    }

    private static void Permute<T>(ReadOnlySpan<T> source, Span<T> destination, ReadOnlySpan<int> sourceShape, ReadOnlySpan<int> permutation)
        where T : unmanaged
    {
        var rank = sourceShape.Length;
        if (permutation.Length != rank)
        {
            throw new ArgumentException($"The permutation has {permutation.Length} axes, the shape {rank}.", nameof(permutation));
        }

        long count = 1;
        foreach (var extent in sourceShape)
        {
            count *= extent;
        }

        if (count != source.Length)
        {
            throw new ArgumentException($"The source holds {source.Length} elements, its shape {count}.", nameof(source));
        }

        if (count == 0)
        {
            return;
        }

        if (rank <= 1)
        {
            source.CopyTo(destination);
            return;
        }

        // Strides of the source, in elements, taken in destination axis order.
        Span<long> sourceStrides = stackalloc long[rank];
        long stride = 1;
        for (var axis = rank - 1; axis >= 0; axis--)
        {
            sourceStrides[axis] = stride;
            stride *= sourceShape[axis];
        }

        Span<long> strides = stackalloc long[rank];
        Span<int> shape = stackalloc int[rank];
        for (var axis = 0; axis < rank; axis++)
        {
            strides[axis] = sourceStrides[permutation[axis]];
            shape[axis] = sourceShape[permutation[axis]];
        }

        // Walk the destination in C order; the two innermost axes are plain loops, the outer ones an odometer.
        var rows = shape[rank - 2];
        var columns = shape[rank - 1];
        var rowStride = strides[rank - 2];
        var columnStride = strides[rank - 1];
        Span<int> index = stackalloc int[rank];
        long sourceBase = 0;
        var written = 0;
        ref readonly var sourceStart = ref MemoryMarshal.GetReference(source);
        ref var destinationStart = ref MemoryMarshal.GetReference(destination);
        while (true)
        {
            for (var row = 0; row < rows; row++)
            {
                var offset = sourceBase + (row * rowStride);
                ref var target = ref Unsafe.Add(ref destinationStart, written);
                if (columnStride == 1)
                {
                    MemoryMarshal.CreateReadOnlySpan(in Unsafe.Add(ref Unsafe.AsRef(in sourceStart), (nint)offset), columns)
                        .CopyTo(MemoryMarshal.CreateSpan(ref target, columns));
                }
                else
                {
                    for (var column = 0; column < columns; column++)
                    {
                        Unsafe.Add(ref target, column) = Unsafe.Add(ref Unsafe.AsRef(in sourceStart), (nint)(offset + (column * columnStride)));
                    }
                }

                written += columns;
            }

            var carry = rank - 3;
            while (carry >= 0)
            {
                sourceBase += strides[carry];
                if (++index[carry] < shape[carry])
                {
                    break;
                }

                sourceBase -= strides[carry] * shape[carry];
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
