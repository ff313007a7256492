using Connectomics.Volumes.Codecs;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr.V3;

namespace Connectomics.CrashTests.Volumes;

/// <summary>
/// The volume the volume crash runs embed: a 32×48×64 uint8 Zarr v3 array in 16³ chunks, sharded 32³, blosc-zstd with
/// bit shuffle, holding EM-like structure (cell interiors of graded grey, dark membranes on a wavy lattice, seeded
/// noise) so that every block's vectors differ. With 16³ blocks it has 2×3×4 = 24 blocks, all whole.
/// </summary>
internal static class CrashVolume
{
    public static readonly long[] Shape = [32, 48, 64];
    public const int Chunk = 16;
    public const int ShardEdge = 32;
    public const int Block = 16;
    public const int Cell = 8;

    /// <summary>The blocks of the volume with <see cref="Block"/>³ blocks.</summary>
    public static int Blocks => (int)Shape.Select(e => (e + Block - 1) / Block).Aggregate(1L, (a, b) => a * b);

    /// <summary>The rows per block with <see cref="Cell"/>³ cells (every block is whole: the shape is a multiple of the block).</summary>
    public static int CellsPerBlock => (Block / Cell) * (Block / Cell) * (Block / Cell);

    public static async Task WriteAsync(string directory)
    {
        var array = await ZarrV3Array.CreateAsync(new FileSystemStore(directory), string.Empty, new ZarrV3ArrayOptions
        {
            Shape = Shape,
            ChunkShape = [Chunk, Chunk, Chunk],
            ShardShape = [ShardEdge, ShardEdge, ShardEdge],
            DataType = VoxelType.UInt8,
            Codecs = [ZarrV3Codec.Blosc(BloscCompressor.Zstd, level: 3, shuffle: BloscShuffle.Bit)],
            DimensionNames = ["z", "y", "x"],
        });
        var random = new Random(31);
        for (var sz = 0; sz * ShardEdge < Shape[0]; sz++)
        {
            for (var sy = 0; sy * ShardEdge < Shape[1]; sy++)
            {
                for (var sx = 0; sx * ShardEdge < Shape[2]; sx++)
                {
                    var unit = new byte[ShardEdge * ShardEdge * ShardEdge];
                    var i = 0;
                    for (var z = 0; z < ShardEdge; z++)
                    {
                        for (var y = 0; y < ShardEdge; y++)
                        {
                            for (var x = 0; x < ShardEdge; x++)
                            {
                                unit[i++] = Voxel((sz * ShardEdge) + z, (sy * ShardEdge) + y, (sx * ShardEdge) + x, random);
                            }
                        }
                    }

                    await array.WriteUnitAsync(new long[] { sz, sy, sx }, unit);
                }
            }
        }
    }

    private static byte Voxel(int z, int y, int x, Random random)
    {
        // Membranes where a wavy lattice coordinate crosses a multiple of 11; interiors graded by the cell they are in.
        var wz = z + (3 * Math.Sin(y / 5.0));
        var wy = y + (3 * Math.Sin(x / 7.0));
        var wx = x + (3 * Math.Sin(z / 6.0));
        var membrane = Near(wz) || Near(wy) || Near(wx);
        var cell = ((int)Math.Floor(wz / 11) * 7) + ((int)Math.Floor(wy / 11) * 13) + ((int)Math.Floor(wx / 11) * 29);
        var grey = membrane ? 30 : 120 + (((cell % 9) + 9) % 9 * 12);
        return (byte)Math.Clamp(grey + random.Next(-10, 11), 0, 255);

        static bool Near(double coordinate) => Math.Abs(coordinate - (11 * Math.Round(coordinate / 11))) < 1.2;
    }
}
