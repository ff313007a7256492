using System.Diagnostics;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Precomputed;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Tests.Precomputed;

public sealed class PrecomputedWriterTests
{
    private const string Python = "/usr/bin/python3";

    private static PrecomputedWriterOptions Options(VoxelType type, int channels, bool compress) => new()
    {
        DataType = type,
        NumChannels = channels,
        Compress = compress,
        Scales =
        {
            new PrecomputedScale { Key = "s0", Size = new Index3(6, 11, 13), Resolution = [30, 4, 4], VoxelOffset = new Index3(-2, 7, 3), ChunkSize = new Index3(4, 4, 8) },
            new PrecomputedScale { Key = "s1", Size = new Index3(3, 6, 7), Resolution = [60, 8, 8], ChunkSize = new Index3(4, 4, 8) },
        },
    };

    /// <summary>Random voxels for a whole volume, C order [c, z, y, x].</summary>
    private static byte[] RandomVolume(PrecomputedScale scale, int channels, int elementSize, int seed)
    {
        var bytes = new byte[scale.Size.Volume * channels * elementSize];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Writes a whole volume chunk by chunk, the part of edge chunks past the edge filled with 0xEE (which must not be stored).</summary>
    private static async Task WriteAllAsync(PrecomputedWriter writer, int scaleIndex, byte[] volume, int channels, int elementSize)
    {
        var unitWriter = writer.OpenScale(scaleIndex);
        var scale = writer.Scales[scaleIndex];
        var chunk = scale.ChunkSize;
        var grid = unitWriter.Info.ChunkGridShape;
        var rank = unitWriter.Info.Rank;
        for (long gz = 0; gz < grid[rank - 3]; gz++)
        {
            for (long gy = 0; gy < grid[rank - 2]; gy++)
            {
                for (long gx = 0; gx < grid[rank - 1]; gx++)
                {
                    var unit = new byte[unitWriter.Info.ChunkByteCount];
                    Array.Fill(unit, (byte)0xEE);
                    for (var c = 0; c < channels; c++)
                    {
                        for (var z = 0; z < chunk.Z; z++)
                        {
                            for (var y = 0; y < chunk.Y; y++)
                            {
                                for (var x = 0; x < chunk.X; x++)
                                {
                                    long vz = (gz * chunk.Z) + z, vy = (gy * chunk.Y) + y, vx = (gx * chunk.X) + x;
                                    if (vz < scale.Size.Z && vy < scale.Size.Y && vx < scale.Size.X)
                                    {
                                        volume.AsSpan((int)((((((c * scale.Size.Z) + vz) * scale.Size.Y) + vy) * scale.Size.X) + vx) * elementSize, elementSize)
                                            .CopyTo(unit.AsSpan((int)((((((c * chunk.Z) + z) * chunk.Y) + y) * chunk.X) + x) * elementSize));
                                    }
                                }
                            }
                        }
                    }

                    long[] index = rank == 4 ? [0, gz, gy, gx] : [gz, gy, gx];
                    await unitWriter.WriteUnitAsync(index, unit);
                }
            }
        }
    }

    [Theory]
    [InlineData(VoxelType.UInt8, 1, false)]
    [InlineData(VoxelType.UInt16, 2, true)]
    [InlineData(VoxelType.Float32, 1, true)]
    [InlineData(VoxelType.Int64, 3, false)]
    public async Task What_the_writer_stores_reads_back_equal_and_edge_chunk_files_are_cut(VoxelType type, int channels, bool compress)
    {
        var store = new MemoryStore("out");
        var writer = await PrecomputedWriter.CreateAsync(store, Options(type, channels, compress));
        var volumes = new List<byte[]>();
        for (var s = 0; s < 2; s++)
        {
            volumes.Add(RandomVolume(writer.Scales[s], channels, type.ByteSize(), seed: 17 + s));
            await WriteAllAsync(writer, s, volumes[s], channels, type.ByteSize());
        }

        var volume = await PrecomputedVolume.OpenAsync(store);
        Assert.Equal(type, volume.DataType);
        Assert.Equal(channels, volume.NumChannels);
        Assert.Equal(new Index3(-2, 7, 3), volume.Scales[0].VoxelOffset);
        Assert.Equal([30.0, 4.0, 4.0], volume.Scales[0].Resolution);
        for (var s = 0; s < 2; s++)
        {
            Assert.Equal(volumes[s], await ChunkStitcher.ReadAllAsync(volume.OpenScale(s)));
        }

        // The last chunk of s0 holds x 8..13, y 8..11, z 4..6: 5 × 3 × 2 voxels, global names from the offset.
        var edge = compress ? "s0/11-16_15-18_2-4.gz" : "s0/11-16_15-18_2-4";
        var stored = (await store.GetAsync(edge))!;
        var raw = compress ? Gunzip(stored) : stored;
        Assert.Equal(5 * 3 * 2 * channels * type.ByteSize(), raw.Length);
        Assert.Null(await store.GetAsync(compress ? "s0/11-16_15-18_2-4" : "s0/11-16_15-18_2-4.gz"));
    }

    [Fact]
    public async Task An_independent_numpy_reader_reads_what_the_writer_wrote()
    {
        Assert.True(File.Exists(Python), $"{Python} is missing; the precomputed round trip needs Debian's Python with NumPy: apt-get install python3 python3-numpy");
        using var directory = new TempDirectory("precomputed-writer");
        var memory = new MemoryStore("out");
        var options = Options(VoxelType.UInt16, 2, compress: true);
        var writer = await PrecomputedWriter.CreateAsync(memory, options);
        var plain = RandomVolume(writer.Scales[0], 2, 2, seed: 5);
        await WriteAllAsync(writer, 0, plain, 2, 2);
        await foreach (var key in memory.ListAsync(""))
        {
            await File.WriteAllBytesAsync(directory.File([.. key.Split('/')]), (await memory.GetAsync(key))!);
        }

        var output = Path.Combine(directory.Path, "s0.npy");
        var script = Path.Combine(RepositoryRoot.Path, "tools", "fixtures", "generate_precomputed_fixtures.py");
        using var process = Process.Start(new ProcessStartInfo(Python, [script, "read", directory.Path, "s0", output]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"the NumPy reader failed (needs python3-numpy: apt-get install python3-numpy): {errors}");

        var read = NpyFile.Read(output);
        Assert.Equal("<u2", read.Descr);
        Assert.Equal([2L, 6L, 11L, 13L], read.Shape);
        Assert.Equal(plain, read.Data);
    }

    [Fact]
    public async Task Rewriting_a_chunk_uncompressed_removes_its_gz_file_so_readers_see_the_new_content()
    {
        var store = new MemoryStore("out");
        var compressed = await PrecomputedWriter.CreateAsync(store, Options(VoxelType.UInt8, 1, compress: true));
        var first = new byte[4 * 4 * 8];
        Array.Fill(first, (byte)1);
        await compressed.OpenScale("s0").WriteUnitAsync(new long[] { 0, 0, 0 }, first);
        Assert.NotNull(await store.GetAsync("s0/3-11_7-11_-2-2.gz"));

        var plain = await PrecomputedWriter.CreateAsync(store, Options(VoxelType.UInt8, 1, compress: false));
        var second = new byte[4 * 4 * 8];
        Array.Fill(second, (byte)2);
        await plain.OpenScale("s0").WriteUnitAsync(new long[] { 0, 0, 0 }, second);

        Assert.Null(await store.GetAsync("s0/3-11_7-11_-2-2.gz"));
        var volume = await PrecomputedVolume.OpenAsync(store);
        Assert.Equal(second, await volume.OpenScale("s0").ReadChunkAsync(new long[] { 0, 0, 0 }));
    }

    [Fact]
    public async Task An_existing_info_for_another_volume_is_refused_unless_overwrite_is_set()
    {
        var store = new MemoryStore("out");
        await PrecomputedWriter.CreateAsync(store, Options(VoxelType.UInt8, 1, compress: false));
        var before = await store.GetAsync("info");

        await PrecomputedWriter.CreateAsync(store, Options(VoxelType.UInt8, 1, compress: true));
        var exception = await Assert.ThrowsAsync<VolumeFormatException>(async () => await PrecomputedWriter.CreateAsync(store, Options(VoxelType.UInt16, 1, compress: false)));
        Assert.Contains("out/info", exception.Message, StringComparison.Ordinal);
        Assert.Equal(before, await store.GetAsync("info"));

        var overwrite = Options(VoxelType.UInt16, 1, compress: false);
        overwrite.Overwrite = true;
        await PrecomputedWriter.CreateAsync(store, overwrite);
        Assert.Equal(VoxelType.UInt16, (await PrecomputedVolume.OpenAsync(store)).DataType);
    }

    [Fact]
    public async Task Invalid_options_are_refused_up_front_with_every_problem_listed()
    {
        var options = new PrecomputedWriterOptions { Type = "mesh", DataType = VoxelType.Float16, NumChannels = 0 };
        options.Scales.Add(new PrecomputedScale { Key = "../up", Size = new Index3(0, 1, 1), Resolution = [1, 1], ChunkSize = new Index3(1, 1, 1), Encoding = "jpeg" });
        options.Scales.Add(new PrecomputedScale { Key = "s", Size = new Index3(1, 1, 1), Resolution = [1, 1, 1], ChunkSize = new Index3(0, 1, 1), IsSharded = true });
        var store = new MemoryStore();

        var exception = await Assert.ThrowsAsync<ArgumentException>(async () => await PrecomputedWriter.CreateAsync(store, options));

        foreach (var part in new[] { "PrecomputedWriterOptions", "Type", "Float16", "NumChannels", "Scales[0].Key", "Scales[0].Size", "Scales[0].Resolution", "'raw'", "Scales[1].ChunkSize", "sharded" })
        {
            Assert.Contains(part, exception.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, store.Count);
        var writer = await PrecomputedWriter.CreateAsync(store, Options(VoxelType.UInt8, 1, compress: false));
        await Assert.ThrowsAsync<ArgumentException>(async () => await writer.OpenScale(0).WriteUnitAsync(new long[] { 0, 0, 0 }, new byte[3]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await writer.OpenScale(0).WriteUnitAsync(new long[] { 0, 0, 9 }, new byte[128]));
    }

    private static byte[] Gunzip(byte[] compressed)
    {
        using var input = new MemoryStream(compressed);
        using var gzip = new System.IO.Compression.GZipStream(input, System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
