using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Data;

namespace Connectomics.Volumes.Tests.Zarr.V3;

/// <summary>Reads and writes whole arrays through the chunk contracts.</summary>
internal static class WholeArrays
{
    /// <summary>Reads every chunk and assembles the array, C order; a missing chunk is the fill value.</summary>
    public static async Task<byte[]> ReadAsync(IChunkedArray array)
    {
        var info = array.Info;
        var size = info.DataType.ByteSize();
        var total = info.Shape.Aggregate(1L, (a, b) => a * b);
        var result = new byte[total * size];
        for (var i = 0; i < total; i++)
        {
            info.FillValue.Span.CopyTo(result.AsSpan(i * size));
        }

        foreach (var chunkIndex in Grid(info.ChunkGridShape))
        {
            var chunk = await array.ReadChunkAsync(chunkIndex);
            if (chunk is null)
            {
                continue;
            }

            Assert.Equal(info.ChunkByteCount, chunk.LongLength);
            CopyBox(chunk, [.. info.ChunkShape], result, info.Shape, chunkIndex.Select((c, a) => c * info.ChunkShape[a]).ToArray(), size, toArray: true);
        }

        return result;
    }

    /// <summary>Writes the array unit by unit (parts of units past the edge hold <paramref name="padding"/>).</summary>
    public static async Task WriteAsync(IChunkedArrayWriter writer, byte[] data, byte padding = 0xAB)
    {
        var info = writer.Info;
        var size = info.DataType.ByteSize();
        var unit = info.WriteUnitShape.ToArray();
        var grid = info.Shape.Select((extent, axis) => (extent + unit[axis] - 1) / unit[axis]).ToArray();
        foreach (var unitIndex in Grid(grid))
        {
            var buffer = new byte[unit.Aggregate((long)size, (a, b) => a * b)];
            buffer.AsSpan().Fill(padding);
            CopyBox(buffer, unit, data, info.Shape, unitIndex.Select((c, a) => c * unit[a]).ToArray(), size, toArray: false);
            await writer.WriteUnitAsync(unitIndex, buffer);
        }
    }

    /// <summary>Every index of a grid, C order.</summary>
    public static IEnumerable<long[]> Grid(IReadOnlyList<long> grid) => GridIndices.All(grid);

    /// <summary>Copies between a box (a chunk or unit of <paramref name="boxShape"/>) and the array, clipped to the array.</summary>
    private static void CopyBox(byte[] box, int[] boxShape, byte[] array, IReadOnlyList<long> shape, long[] start, int size, bool toArray)
    {
        var rank = shape.Count;
        foreach (var local in Grid(boxShape.Select(e => (long)e).ToArray()))
        {
            long arrayOffset = 0;
            long boxOffset = 0;
            var inside = true;
            for (var axis = 0; axis < rank; axis++)
            {
                var coordinate = start[axis] + local[axis];
                inside &= coordinate < shape[axis];
                arrayOffset = (arrayOffset * shape[axis]) + coordinate;
                boxOffset = (boxOffset * boxShape[axis]) + local[axis];
            }

            if (!inside)
            {
                continue;
            }

            if (toArray)
            {
                box.AsSpan((int)(boxOffset * size), size).CopyTo(array.AsSpan((int)(arrayOffset * size)));
            }
            else
            {
                array.AsSpan((int)(arrayOffset * size), size).CopyTo(box.AsSpan((int)(boxOffset * size)));
            }
        }
    }
}
