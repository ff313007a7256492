using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Data;

namespace Connectomics.Volumes.Tests.Zarr.V2;

/// <summary>Reads or writes a whole small array chunk by chunk through the chunk contracts, element by element (slow
/// and plain on purpose: it is the test's own arithmetic, not the library's).</summary>
internal static class WholeArray
{
    /// <summary>Reads every chunk (missing ones as the fill value) into one C-order little-endian buffer.</summary>
    public static async Task<byte[]> ReadAsync(IChunkedArray array)
    {
        var info = array.Info;
        var size = info.DataType.ByteSize();
        var whole = new byte[info.Shape.Aggregate(1L, (p, e) => p * e) * size];
        foreach (var chunkIndex in ChunkIndices(info))
        {
            var chunk = await array.ReadChunkAsync(chunkIndex);
            Assert.True(chunk is null || chunk.Length == info.ChunkByteCount, $"chunk {array.ChunkKey(chunkIndex)} has {chunk?.Length} bytes");
            ForEachElement(info, chunkIndex, (wholeOffset, chunkOffset) =>
            {
                if (chunk is null)
                {
                    info.FillValue.Span.CopyTo(whole.AsSpan((int)(wholeOffset * size), size));
                }
                else
                {
                    chunk.AsSpan((int)(chunkOffset * size), size).CopyTo(whole.AsSpan((int)(wholeOffset * size), size));
                }
            });
        }

        return whole;
    }

    /// <summary>Writes a whole C-order buffer chunk by chunk; the part of an edge chunk past the array's edge is set to
    /// <paramref name="outsideByte"/>, which the writer must not store as such.</summary>
    public static async Task WriteAsync(IChunkedArrayWriter writer, byte[] whole, byte outsideByte = 0xA5)
    {
        var info = writer.Info;
        var size = info.DataType.ByteSize();
        foreach (var chunkIndex in ChunkIndices(info))
        {
            var chunk = new byte[info.ChunkByteCount];
            chunk.AsSpan().Fill(outsideByte);
            ForEachElement(info, chunkIndex, (wholeOffset, chunkOffset) =>
                whole.AsSpan((int)(wholeOffset * size), size).CopyTo(chunk.AsSpan((int)(chunkOffset * size), size)));
            await writer.WriteUnitAsync(chunkIndex, chunk);
        }
    }

    /// <summary>Every chunk index of the grid, C order.</summary>
    public static IEnumerable<long[]> ChunkIndices(ChunkedArrayInfo info) => GridIndices.All(info.ChunkGridShape);

    /// <summary>Calls <paramref name="visit"/> with the element offsets (in the whole array and in the chunk) of every
    /// element of a chunk that lies inside the array.</summary>
    private static void ForEachElement(ChunkedArrayInfo info, long[] chunkIndex, Action<long, long> visit)
    {
        var rank = info.Rank;
        var start = new long[rank];
        var extent = new long[rank];
        for (var axis = 0; axis < rank; axis++)
        {
            start[axis] = chunkIndex[axis] * info.ChunkShape[axis];
            extent[axis] = Math.Min(info.ChunkShape[axis], info.Shape[axis] - start[axis]);
        }

        var local = new long[rank];
        while (true)
        {
            long wholeOffset = 0, chunkOffset = 0;
            for (var axis = 0; axis < rank; axis++)
            {
                wholeOffset = (wholeOffset * info.Shape[axis]) + start[axis] + local[axis];
                chunkOffset = (chunkOffset * info.ChunkShape[axis]) + local[axis];
            }

            visit(wholeOffset, chunkOffset);
            var a = rank - 1;
            while (a >= 0 && ++local[a] == extent[a])
            {
                local[a] = 0;
                a--;
            }

            if (a < 0)
            {
                return;
            }
        }
    }
}
