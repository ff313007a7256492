using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Connectomics.Volumes.Zarr.V3;

/// <summary>Permutes the axes of a C-order array of fixed-size elements (NumPy's <c>transpose(axes)</c>).</summary>
internal static class ElementTranspose
{
    /// <summary>Writes <c>transpose(source, axes)</c> into <paramref name="destination"/>: destination axis <c>i</c> is
    /// source axis <c>axes[i]</c>.</summary>
    public static void Permute(ReadOnlySpan<byte> source, ReadOnlySpan<int> sourceShape, ReadOnlySpan<int> axes, Span<byte> destination, int elementSize)
    {
        var rank = sourceShape.Length;
        if (rank == 0)
        {
            source[..elementSize].CopyTo(destination);
            return;
        }

        Span<long> sourceStrides = stackalloc long[rank];
        long stride = 1;
        for (var axis = rank - 1; axis >= 0; axis--)
        {
            sourceStrides[axis] = stride;
            stride *= sourceShape[axis];
        }

        if (stride == 0)
        {
            return;
        }

        // Destination shape and, per destination axis, the step it takes in the source.
        Span<int> shape = stackalloc int[rank];
        Span<long> steps = stackalloc long[rank];
        for (var axis = 0; axis < rank; axis++)
        {
            shape[axis] = sourceShape[axes[axis]];
            steps[axis] = sourceStrides[axes[axis]];
        }

        switch (elementSize)
        {
            case 1:
                Run(MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(destination), shape, steps);
                break;
            case 2:
                Run(Unsafe.As<byte, ushort>(ref MemoryMarshal.GetReference(source)), ref Unsafe.As<byte, ushort>(ref MemoryMarshal.GetReference(destination)), shape, steps);
                break;
            case 4:
                Run(Unsafe.As<byte, uint>(ref MemoryMarshal.GetReference(source)), ref Unsafe.As<byte, uint>(ref MemoryMarshal.GetReference(destination)), shape, steps);
                break;
            case 8:
                Run(Unsafe.As<byte, ulong>(ref MemoryMarshal.GetReference(source)), ref Unsafe.As<byte, ulong>(ref MemoryMarshal.GetReference(destination)), shape, steps);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(elementSize), elementSize, "Elements are 1, 2, 4 or 8 bytes.");
        }
    }

    /// <summary>Gets the permutation that undoes <paramref name="axes"/>.</summary>
    public static int[] Inverse(ReadOnlySpan<int> axes)
    {
        var inverse = new int[axes.Length];
        for (var axis = 0; axis < axes.Length; axis++)
        {
            inverse[axes[axis]] = axis;
        }

        return inverse;
    }

    private static void Run<T>(in T source, ref T destination, ReadOnlySpan<int> shape, ReadOnlySpan<long> steps)
        where T : unmanaged
    {
        var rank = shape.Length;
        var inner = shape[rank - 1];
        var innerStep = steps[rank - 1];
        Span<int> counter = stackalloc int[rank];
        long sourceOffset = 0;
        long destinationOffset = 0;
        ref var sourceBase = ref Unsafe.AsRef(in source);
        while (true)
        {
            var s = sourceOffset;
            ref var row = ref Unsafe.Add(ref destination, (nint)destinationOffset);
            for (var i = 0; i < inner; i++)
            {
                Unsafe.Add(ref row, i) = Unsafe.Add(ref sourceBase, (nint)s);
                s += innerStep;
            }

            destinationOffset += inner;

            // Advance the odometer over the outer axes.
            var axis = rank - 2;
            while (axis >= 0)
            {
                counter[axis]++;
                sourceOffset += steps[axis];
                if (counter[axis] < shape[axis])
                {
                    break;
                }

                sourceOffset -= steps[axis] * shape[axis];
                counter[axis] = 0;
                axis--;
            }

            if (axis < 0)
            {
                return;
            }
        }
    }
}
