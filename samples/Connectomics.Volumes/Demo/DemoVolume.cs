using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Connectomics.Volumes.Codecs;
using Connectomics.Volumes.Ome;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr.V3;

namespace Connectomics.VolumesTool.Demo;

/// <summary>
/// A deterministic electron-microscopy-like volume (uint8, z-y-x): Voronoi cells around seeded points on a jittered
/// grid, each with its own grey level; dark membranes along the cell boundaries; dark round blobs (vesicles,
/// mitochondria); a small blur ([1, 2, 1] / 4 along each axis); and Gaussian-like noise (the sum of four uniform draws
/// per voxel). Only integer hashing and float arithmetic in a fixed order are used, so the same size and seed give the
/// same voxels on every machine. Written as an OME-Zarr 0.5 image: a Zarr v3 group whose <c>s0</c> array is sharded
/// (chunks of 32³ in shards of 128³) and compressed with blosc-zstd; the group's attributes also record how the
/// volume was made (<c>connectomics_demo</c>: seed, size, cell centres), so the structure can be checked.
/// </summary>
internal sealed class DemoVolume
{
    /// <summary>The default edge of the cube.</summary>
    public const int DefaultSize = 256;

    /// <summary>The default seed.</summary>
    public const ulong DefaultSeed = 20261203;

    /// <summary>The size of a voxel, nanometres, on every axis.</summary>
    public const double VoxelSizeNm = 8;

    /// <summary>The grey level at the middle of a membrane (before noise).</summary>
    public const float MembraneLevel = 45;

    /// <summary>The grey level inside a blob (before noise).</summary>
    public const float BlobLevel = 75;

    /// <summary>The array's name in the group.</summary>
    public const string ArrayName = "s0";

    /// <summary>The attribute recording how the volume was made.</summary>
    public const string DemoAttribute = "connectomics_demo";

    private const float NoiseSigma = 10;
    private const float MembraneHalfWidth = 1.0f;
    private const float MembraneRamp = 1.5f;
    private const int CellSpacing = 48;

    private DemoVolume(int size, ulong seed, byte[] voxels, IReadOnlyList<(float Z, float Y, float X)> cells)
    {
        Size = size;
        Seed = seed;
        Voxels = voxels;
        Cells = cells;
    }

    /// <summary>Gets the edge of the cube.</summary>
    public int Size { get; }

    /// <summary>Gets the seed.</summary>
    public ulong Seed { get; }

    /// <summary>Gets the voxels, C order over <c>[z, y, x]</c>.</summary>
    public byte[] Voxels { get; }

    /// <summary>Gets the centres of the Voronoi cells (voxel coordinates).</summary>
    public IReadOnlyList<(float Z, float Y, float X)> Cells { get; }

    /// <summary>Makes the volume.</summary>
    /// <param name="size">The edge of the cube, 16 or more.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The volume.</returns>
    public static DemoVolume Create(int size = DefaultSize, ulong seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 16);
        var random = new SplitMix(seed);
        var perAxis = Math.Max(2, (int)Math.Round(size / (double)CellSpacing));
        var spacing = size / (float)perAxis;
        var cells = new (float Z, float Y, float X)[perAxis * perAxis * perAxis];
        for (var i = 0; i < cells.Length; i++)
        {
            var (gz, gy, gx) = (i / (perAxis * perAxis), i / perAxis % perAxis, i % perAxis);
            cells[i] = (Jitter(gz, spacing, random), Jitter(gy, spacing, random), Jitter(gx, spacing, random));
        }

        var levels = new float[cells.Length];
        for (var i = 0; i < levels.Length; i++)
        {
            levels[i] = 150 + random.Next(50);
        }

        var image = new float[(long)size * size * size];
        Parallel.For(0, size, z => PaintCells(image, size, z, cells, levels, perAxis, spacing));
        PaintBlobs(image, size, cells.Length * 4, random);
        Blur(image, size);
        var voxels = new byte[image.Length];
        Parallel.For(0, size, z =>
        {
            var plane = (long)z * size * size;
            for (long i = plane; i < plane + ((long)size * size); i++)
            {
                var value = image[i] + (Noise(seed, (ulong)i) * NoiseSigma);
                voxels[i] = (byte)Math.Clamp(MathF.Round(value), 0, 255);
            }
        });
        return new DemoVolume(size, seed, voxels, cells);
    }

    /// <summary>
    /// Writes the volume as an OME-Zarr 0.5 image in <paramref name="directory"/>, unless the same volume (size and
    /// seed) is there already.
    /// </summary>
    /// <param name="directory">The image's directory (created).</param>
    /// <param name="cancellationToken">Cancels the writing.</param>
    /// <returns><see langword="true"/> when written, <see langword="false"/> when it was there.</returns>
    public async Task<bool> WriteAsync(string directory, CancellationToken cancellationToken)
    {
        var store = new FileSystemStore(directory);
        if (await IsWrittenAsync(store, cancellationToken))
        {
            return false;
        }

        var image = new OmeZarrImageOptions
        {
            Version = OmeZarrVersion.V05,
            Name = "em-demo",
            Axes = [OmeAxis.Spatial("z"), OmeAxis.Spatial("y"), OmeAxis.Spatial("x")],
            DataType = Connectomics.Volumes.Data.VoxelType.UInt8,
            Codecs = [ZarrV3Codec.Bytes(), ZarrV3Codec.Blosc(BloscCompressor.Zstd, 5, BloscShuffle.Bit)],
        };
        image.Levels.Add(new OmeZarrLevel
        {
            Path = ArrayName,
            Shape = [Size, Size, Size],
            ChunkShape = [32, 32, 32],
            ShardShape = [128, 128, 128],
            Scale = [VoxelSizeNm, VoxelSizeNm, VoxelSizeNm],
        });
        var array = (await OmeZarrWriter.CreateAsync(store, string.Empty, image, cancellationToken)).Levels[0];
        var shards = (Size + 127) / 128;
        var units = Enumerable.Range(0, shards * shards * shards).Select(i => new long[] { i / (shards * shards), i / shards % shards, i % shards });
        await Parallel.ForEachAsync(units, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken }, async (unit, token) =>
        {
            var buffer = new byte[128 * 128 * 128];
            for (var z = 0; z < 128; z++)
            {
                for (var y = 0; y < 128; y++)
                {
                    var (vz, vy, vx) = ((unit[0] * 128) + z, (unit[1] * 128) + y, unit[2] * 128);
                    if (vz >= Size || vy >= Size)
                    {
                        continue;
                    }

                    var count = (int)Math.Min(128, Size - vx);
                    Voxels.AsSpan((int)((((vz * Size) + vy) * Size) + vx), count).CopyTo(buffer.AsSpan(((z * 128) + y) * 128, count));
                }
            }

            await array.WriteUnitAsync(unit, buffer, token);
        });

        // The record of how the volume was made goes into the group's attributes last: a volume without it is written
        // again by the next run.
        var attributes = (JsonObject)JsonNode.Parse((await ZarrV3Group.OpenAsync(store, string.Empty, cancellationToken)).Attributes.GetRawText())!;
        attributes[DemoAttribute] = DemoRecord();
        await ZarrV3Group.CreateAsync(store, string.Empty, attributes, cancellationToken);
        return true;
    }

    private JsonObject DemoRecord() => new()
    {
        ["seed"] = Seed,
        ["size"] = Size,
        ["membrane_level"] = MembraneLevel,
        ["blob_level"] = BlobLevel,
        ["cells"] = new JsonArray([.. Cells.Select(c => (JsonNode)new JsonArray(c.Z, c.Y, c.X))]),
    };

    private async Task<bool> IsWrittenAsync(FileSystemStore store, CancellationToken cancellationToken)
    {
        if (await store.GetAsync("zarr.json", cancellationToken) is not { } bytes)
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.TryGetProperty("attributes", out var attributes)
                && attributes.TryGetProperty(DemoAttribute, out var demo)
                && demo.GetProperty("seed").GetUInt64() == Seed
                && demo.GetProperty("size").GetInt32() == Size;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    private static float Jitter(int cell, float spacing, SplitMix random) => (cell + 0.2f + (0.6f * random.NextFloat())) * spacing;

    /// <summary>Paints one z plane: each voxel takes its nearest cell's level, darkened near the boundary with the second
    /// nearest (the distance to the bisecting plane of the two centres).</summary>
    private static void PaintCells(float[] image, int size, int z, (float Z, float Y, float X)[] cells, float[] levels, int perAxis, float spacing)
    {
        var gz = Math.Min(perAxis - 1, (int)(z / spacing));
        for (var y = 0; y < size; y++)
        {
            var gy = Math.Min(perAxis - 1, (int)(y / spacing));
            for (var x = 0; x < size; x++)
            {
                var gx = Math.Min(perAxis - 1, (int)(x / spacing));
                var (first, second) = (-1, -1);
                var (d1, d2) = (float.MaxValue, float.MaxValue);
                for (var cz = Math.Max(0, gz - 1); cz <= Math.Min(perAxis - 1, gz + 1); cz++)
                {
                    for (var cy = Math.Max(0, gy - 1); cy <= Math.Min(perAxis - 1, gy + 1); cy++)
                    {
                        for (var cx = Math.Max(0, gx - 1); cx <= Math.Min(perAxis - 1, gx + 1); cx++)
                        {
                            var i = (((cz * perAxis) + cy) * perAxis) + cx;
                            var c = cells[i];
                            var (dz, dy, dx) = (z - c.Z, y - c.Y, x - c.X);
                            var d = (dz * dz) + (dy * dy) + (dx * dx);
                            if (d < d1)
                            {
                                (second, d2) = (first, d1);
                                (first, d1) = (i, d);
                            }
                            else if (d < d2)
                            {
                                (second, d2) = (i, d);
                            }
                        }
                    }
                }

                var (a, b) = (cells[first], cells[second]);
                var (ez, ey, ex) = (a.Z - b.Z, a.Y - b.Y, a.X - b.X);
                var membrane = (d2 - d1) / (2 * MathF.Sqrt((ez * ez) + (ey * ey) + (ex * ex)));
                var t = Math.Clamp((membrane - MembraneHalfWidth) / MembraneRamp, 0, 1);
                image[(((long)z * size) + y) * size + x] = MembraneLevel + (t * (levels[first] - MembraneLevel));
            }
        }
    }

    /// <summary>Paints dark balls of radius 2.5 to 7 voxels at random places, with a one-voxel soft edge.</summary>
    private static void PaintBlobs(float[] image, int size, int count, SplitMix random)
    {
        for (var n = 0; n < count; n++)
        {
            var (bz, by, bx) = (random.NextFloat() * size, random.NextFloat() * size, random.NextFloat() * size);
            var radius = 2.5f + (4.5f * random.NextFloat());
            var reach = (int)MathF.Ceiling(radius + 1);
            for (var z = Math.Max(0, (int)bz - reach); z <= Math.Min(size - 1, (int)bz + reach); z++)
            {
                for (var y = Math.Max(0, (int)by - reach); y <= Math.Min(size - 1, (int)by + reach); y++)
                {
                    for (var x = Math.Max(0, (int)bx - reach); x <= Math.Min(size - 1, (int)bx + reach); x++)
                    {
                        var (dz, dy, dx) = (z - bz, y - by, x - bx);
                        var inside = Math.Clamp(radius + 0.5f - MathF.Sqrt((dz * dz) + (dy * dy) + (dx * dx)), 0, 1);
                        var i = (((long)z * size) + y) * size + x;
                        image[i] = Math.Min(image[i], BlobLevel + ((1 - inside) * (image[i] - BlobLevel)));
                    }
                }
            }
        }
    }

    /// <summary>Blurs with [1, 2, 1] / 4 along x, then y, then z; the edges repeat their last voxel.</summary>
    private static void Blur(float[] image, int size)
    {
        var plane = (long)size * size;
        foreach (var stride in new[] { 1L, size, plane })
        {
            var source = (float[])image.Clone();
            Parallel.For(0, size, z =>
            {
                for (long i = z * plane; i < (z + 1) * plane; i++)
                {
                    var along = stride == 1 ? i % size : stride == size ? i / size % size : i / plane;
                    var before = along == 0 ? source[i] : source[i - stride];
                    var after = along == size - 1 ? source[i] : source[i + stride];
                    image[i] = (before + (2 * source[i]) + after) * 0.25f;
                }
            });
        }
    }

    /// <summary>Noise of mean 0 and standard deviation 1: four uniform draws from the voxel's hash, summed and scaled.</summary>
    private static float Noise(ulong seed, ulong index)
    {
        var hash = SplitMix.Mix(seed ^ (index * 0x9E3779B97F4A7C15UL));
        var sum = 0f;
        for (var k = 0; k < 4; k++)
        {
            sum += ((hash >> (16 * k)) & 0xFFFF) / 65536f;
        }

        // Four uniforms sum to mean 2, variance 1/3.
        return (sum - 2f) * 1.7320508f;
    }

    /// <summary>SplitMix64: a small seeded generator whose output is the same on every machine.</summary>
    private sealed class SplitMix(ulong seed)
    {
        private ulong _state = seed;

        public static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public ulong NextUInt64() => Mix(_state += 0x9E3779B97F4A7C15UL);

        public float NextFloat() => (NextUInt64() >> 40) / (float)(1UL << 24);

        public int Next(int bound) => (int)(NextUInt64() % (ulong)bound);
    }

    /// <summary>Describes the volume in one line.</summary>
    /// <returns>The line.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Size}³ uint8 EM-like volume, {Cells.Count} cells, seed {Seed}");
}
