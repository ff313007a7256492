using Connectomics.Volumes.Arrays;

namespace Connectomics.Volumes.Tests.Precomputed;

/// <summary>Reads every chunk of a 3-D or 4-D ([c, z, y, x], one channel chunk) array into one C-order buffer.</summary>
internal static class ChunkStitcher
{
    /// <summary>Reads the whole array; not-stored chunks read as zeros; asserts that the part of each edge chunk
    /// past the array's edge is zero.</summary>
    public static async Task<byte[]> ReadAllAsync(IChunkedArray array)
    {
        var info = array.Info;
        var rank = info.Rank;
        var element = info.DataType switch
        {
            Data.VoxelType.UInt8 or Data.VoxelType.Int8 => 1,
            Data.VoxelType.UInt16 or Data.VoxelType.Int16 => 2,
            Data.VoxelType.UInt64 or Data.VoxelType.Int64 or Data.VoxelType.Float64 => 8,
            _ => 4,
        };
        var channels = rank == 4 ? (int)info.Shape[0] : 1;
        long sz = info.Shape[rank - 3], sy = info.Shape[rank - 2], sx = info.Shape[rank - 1];
        int cz = info.ChunkShape[rank - 3], cy = info.ChunkShape[rank - 2], cx = info.ChunkShape[rank - 1];
        var grid = info.ChunkGridShape;
        var result = new byte[channels * sz * sy * sx * element];
        for (long gz = 0; gz < grid[rank - 3]; gz++)
        {
            for (long gy = 0; gy < grid[rank - 2]; gy++)
            {
                for (long gx = 0; gx < grid[rank - 1]; gx++)
                {
                    long[] index = rank == 4 ? [0, gz, gy, gx] : [gz, gy, gx];
                    var chunk = await array.ReadChunkAsync(index);
                    if (chunk is null)
                    {
                        continue;
                    }

                    Assert.Equal(info.ChunkByteCount, chunk.LongLength);
                    for (var c = 0; c < channels; c++)
                    {
                        for (var z = 0; z < cz; z++)
                        {
                            for (var y = 0; y < cy; y++)
                            {
                                for (var x = 0; x < cx; x++)
                                {
                                    long vz = (gz * cz) + z, vy = (gy * cy) + y, vx = (gx * cx) + x;
                                    var source = chunk.AsSpan((int)((((((c * cz) + z) * cy) + y) * cx) + x) * element, element);
                                    if (vz >= sz || vy >= sy || vx >= sx)
                                    {
                                        Assert.True(source.IndexOfAnyExcept((byte)0) < 0, $"chunk ({gz}, {gy}, {gx}) is not zero past the edge at ({c}, {z}, {y}, {x}).");
                                        continue;
                                    }

                                    source.CopyTo(result.AsSpan((int)((((((c * sz) + vz) * sy) + vy) * sx) + vx) * element));
                                }
                            }
                        }
                    }
                }
            }
        }

        return result;
    }
}
