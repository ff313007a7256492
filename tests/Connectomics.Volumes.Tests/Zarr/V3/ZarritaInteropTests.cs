using System.Diagnostics;
using System.Text.Json;
using Connectomics.Volumes.Codecs;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Zarr;
using Connectomics.Volumes.Zarr.V3;

namespace Connectomics.Volumes.Tests.Zarr.V3;

/// <summary>
/// Zarr v3 against zarrita 0.7.5 (npm, with numcodecs' C-Blosc and zstd in WebAssembly), run as a Node process: arrays it
/// writes read equal here, arrays written here (sharded with the index at either end included) read equal there.
/// </summary>
public sealed class ZarritaInteropTests
{
    private static string Script => Path.Combine(RepositoryRoot.Path, "tests", "Connectomics.Volumes.Tests", "Zarr", "V3", "zarrita-interop.mjs");

    [Fact]
    public async Task Arrays_zarrita_writes_read_equal()
    {
        using var directory = new TempDirectory("zarr3-zarrita-write");
        var output = await ZarritaInstall.RunNodeScriptAsync(Script, "write", directory.Path);

        var names = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("written").GetString()!)
            .ToList();
        Assert.Equal(11, names.Count);
        foreach (var name in names)
        {
            var store = new FileSystemStore(Path.Combine(directory.Path, name));
            var array = await ZarrV3Array.OpenAsync(store, string.Empty);
            var expected = await File.ReadAllBytesAsync(Path.Combine(directory.Path, $"{name}.expected.bin"));
            var actual = await WholeArrays.ReadAsync(array);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"{name} ({array.Info.CodecSummary}) differs from what zarrita wrote");
        }

        // The codecs the names promise are the ones in the metadata.
        var summaries = new Dictionary<string, string>();
        foreach (var name in names)
        {
            summaries[name] = (await ZarrV3Array.OpenAsync(new FileSystemStore(Path.Combine(directory.Path, name)), string.Empty)).Info.CodecSummary;
        }

        Assert.Equal("transpose(2,0,1) → bytes(little)", summaries["transpose_u16"]);
        Assert.Equal("bytes(big)", summaries["big_endian_f32"]);
        Assert.StartsWith("bytes(little) → blosc", summaries["blosc_zstd_bitshuffle_i32"], StringComparison.Ordinal);
        Assert.Equal("transpose(1,2,0) → bytes(big) → zstd(level 1) → crc32c", summaries["transpose_big_zstd_crc32c_i16"]);
        Assert.Equal("bytes(little) → crc32c", summaries["crc32c_f64"]);
    }

    [Fact]
    public async Task Arrays_written_here_read_equal_in_zarrita_sharded_with_the_index_at_either_end()
    {
        var cases = new (string Name, ZarrV3ArrayOptions Options)[]
        {
            ("sharded_end_zstd_u16", new ZarrV3ArrayOptions
            {
                Shape = [20, 18, 33], ChunkShape = [4, 6, 8], ShardShape = [8, 12, 16], DataType = VoxelType.UInt16, FillValue = 5,
                Codecs = [ZarrV3Codec.Bytes(), ZarrV3Codec.Zstd(3)],
            }),
            ("sharded_start_transpose_big_gzip_i32", new ZarrV3ArrayOptions
            {
                Shape = [9, 10, 11], ChunkShape = [3, 5, 4], ShardShape = [6, 10, 8], DataType = VoxelType.Int32, FillValue = -2,
                Codecs = [ZarrV3Codec.Transpose(2, 0, 1), ZarrV3Codec.Bytes(ByteOrder.Big), ZarrV3Codec.Gzip(6), ZarrV3Codec.Crc32c()],
                IndexLocation = ShardIndexLocation.Start, IndexChecksum = false,
            }),
            ("sharded_start_crc_blosc_f32", new ZarrV3ArrayOptions
            {
                Shape = [16, 16], ChunkShape = [4, 8], ShardShape = [8, 16], DataType = VoxelType.Float32, FillValue = double.NaN,
                Codecs = [ZarrV3Codec.Blosc(BloscCompressor.Lz4, 5, BloscShuffle.Byte)],
                IndexLocation = ShardIndexLocation.Start,
            }),
            ("sharded_end_blosc_zstd_bitshuffle_u8", new ZarrV3ArrayOptions
            {
                Shape = [30, 17], ChunkShape = [8, 8], ShardShape = [16, 16], DataType = VoxelType.UInt8,
                Codecs = [ZarrV3Codec.Blosc(BloscCompressor.Zstd, 3, BloscShuffle.Bit)],
            }),
            ("plain_transpose_big_zstd_f64", new ZarrV3ArrayOptions
            {
                Shape = [7, 6, 5], ChunkShape = [3, 4, 5], DataType = VoxelType.Float64, FillValue = double.NegativeInfinity,
                Codecs = [ZarrV3Codec.Transpose(1, 2, 0), ZarrV3Codec.Bytes(ByteOrder.Big), ZarrV3Codec.Zstd(1), ZarrV3Codec.Crc32c()],
            }),
            ("plain_dot_separator_gzip_u64", new ZarrV3ArrayOptions
            {
                Shape = [9, 7], ChunkShape = [4, 4], DataType = VoxelType.UInt64, ChunkKeySeparator = '.',
                Codecs = [ZarrV3Codec.Gzip(1)],
            }),
        };

        using var directory = new TempDirectory("zarr3-zarrita-read");
        var written = new Dictionary<string, byte[]>();
        foreach (var (name, options) in cases)
        {
            var array = await ZarrV3Array.CreateAsync(new FileSystemStore(Path.Combine(directory.Path, name)), string.Empty, options);
            var data = TestVolumes.Create(options.DataType, options.Shape, seed: name.Length, fill: options.FillValue, fillBlockEdge: 5);
            await WholeArrays.WriteAsync(array, data);

            // Read back here too, through the file system's range reads.
            Assert.Equal(data, await WholeArrays.ReadAsync(await ZarrV3Array.OpenAsync(new FileSystemStore(Path.Combine(directory.Path, name)), string.Empty)));
            written[name] = data;
        }

        await File.WriteAllTextAsync(Path.Combine(directory.Path, "manifest.json"), JsonSerializer.Serialize(cases.Select(c => c.Name)));
        var output = await ZarritaInstall.RunNodeScriptAsync(Script, "read", directory.Path);

        foreach (var (name, _) in cases)
        {
            var read = await File.ReadAllBytesAsync(Path.Combine(directory.Path, $"{name}.zarrita.bin"));
            Assert.True(written[name].AsSpan().SequenceEqual(read), $"zarrita reads {name} differently from what was written");
        }

        // The start-index shards were really written with the index first (zarrita needed them moved).
        Assert.Contains("\"read\":\"sharded_start_transpose_big_gzip_i32\",\"dtype\":\"int32\",\"shape\":[9,10,11],\"relocated\":true", output, StringComparison.Ordinal);
        Assert.Contains("\"relocated\":false", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zstd_chunk_without_a_content_size_reads_equal()
    {
        var store = new MemoryStore();
        var array = await ZarrV3Array.CreateAsync(store, "zstd", new ZarrV3ArrayOptions
        {
            Shape = [8, 16], ChunkShape = [8, 16], DataType = VoxelType.UInt16, Codecs = [ZarrV3Codec.Zstd(3)],
        });
        var data = TestVolumes.Create(VoxelType.UInt16, [8, 16], seed: 3);

        using var directory = new TempDirectory("zarr3-zstd-cli");
        var raw = Path.Combine(directory.Path, "chunk.raw");
        await File.WriteAllBytesAsync(raw, data);
        var frame = await RunZstdAsync(raw);

        // Frame header descriptor: no content-size field (FCS flag 0, not single-segment).
        Assert.Equal(0xFD2FB528u, BitConverter.ToUInt32(frame, 0));
        Assert.Equal(0, frame[4] & 0xE0);

        await store.PutAsync("zstd/c/0/0", frame);
        Assert.Equal(data, await array.ReadChunkAsync(new long[] { 0, 0 }));
    }

    private static async Task<byte[]> RunZstdAsync(string path)
    {
        var start = new ProcessStartInfo("zstd") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--no-content-size", "-q", "-3", "-c", path })
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("The zstd command-line tool was not found on PATH: install the Debian package 'zstd'.", e);
        }

        using (process)
        {
            using var output = new MemoryStream();
            var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            await copy;
            Assert.True(process.ExitCode == 0, $"zstd failed: {await error}");
            return output.ToArray();
        }
    }
}
