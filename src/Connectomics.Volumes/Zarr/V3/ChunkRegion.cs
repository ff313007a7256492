namespace Connectomics.Volumes.Zarr.V3;

/// <summary>Copies a box of elements out of a larger C-order array (an inner chunk out of its shard).</summary>
internal static class ChunkRegion
{
    /// <summary>Copies the box of <paramref name="boxShape"/> at <paramref name="start"/> of the large array into the
    /// whole of <paramref name="box"/>, C order.</summary>
    public static void Extract(ReadOnlySpan<byte> large, ReadOnlySpan<int> largeShape, ReadOnlySpan<int> start, Span<byte> box, ReadOnlySpan<int> boxShape, int elementSize)
    {
        var rank = largeShape.Length;
        if (rank == 0)
        {
            large[..elementSize].CopyTo(box);
            return;
        }

        Span<long> strides = stackalloc long[rank];
        long stride = elementSize;
        for (var axis = rank - 1; axis >= 0; axis--)
        {
            strides[axis] = stride;
            stride *= largeShape[axis];
        }

        var rowBytes = boxShape[rank - 1] * elementSize;
        long rows = 1;
        for (var axis = 0; axis < rank - 1; axis++)
        {
            rows *= boxShape[axis];
        }

        Span<int> counter = stackalloc int[rank];
        long boxOffset = 0;
        for (long row = 0; row < rows; row++)
        {
            long largeOffset = 0;
            for (var axis = 0; axis < rank; axis++)
            {
                largeOffset += (start[axis] + counter[axis]) * strides[axis];
            }

            large.Slice((int)largeOffset, rowBytes).CopyTo(box.Slice((int)boxOffset, rowBytes));
            boxOffset += rowBytes;
            for (var axis = rank - 2; axis >= 0; axis--)
            {
                if (++counter[axis] < boxShape[axis])
                {
                    break;
                }

                counter[axis] = 0;
            }
        }
    }
}
