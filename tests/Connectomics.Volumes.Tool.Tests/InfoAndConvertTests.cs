namespace Connectomics.Volumes.Tool.Tests;

/// <summary>
/// <c>info</c> describes a volume in every format; <c>convert</c> copies the demo volume into each format, read back
/// voxel for voxel (the Zarr v2 copy by zarr-python); bad input ends with exit code 1 or 2 and one <c>error:</c> line
/// that names what is wrong, leaving what is there untouched.
/// </summary>
public sealed class InfoAndConvertTests(DemoVolumeFixture demo) : IClassFixture<DemoVolumeFixture>, IDisposable
{
    private readonly TempDirectory _work = new("connectomics-volumes-tool");

    public void Dispose() => _work.Dispose();

    [Fact]
    public void Info_names_the_format_shape_dtype_chunks_shards_codecs_and_voxel_size()
    {
        demo.Run.Succeeded();
        var run = VolumesTool.Run(_work.Path, "info", demo.Image).Succeeded();
        Assert.Equal("Zarr v3 (OME-Zarr 0.5)", run.Summary("format"));
        Assert.Equal("1", run.Summary("arrays"));
        Assert.Contains("array s0 (level 0 of the OME-Zarr image at '/'):", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("  shape: [96, 96, 96] (z, y, x)\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("  dtype: uint8\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("  chunks: [32, 32, 32]\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("  shards: [128, 128, 128]\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("  codecs: sharding_indexed(inner 32×32×32, index at end with crc32c)[bytes → blosc(zstd, level 5, bitshuffle)]\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("  voxel size: 8 x 8 x 8 nanometer (z, y, x)\n", run.Stdout, StringComparison.Ordinal);

        // The demo without a command prints the same description.
        Assert.Contains("  shards: [128, 128, 128]\n", demo.Run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_to_zarr_v2_reads_equal_in_zarr_python()
    {
        demo.Run.Succeeded();
        var run = VolumesTool.Run(_work.Path, "convert", demo.Image, "copy.zarr", "--format", "zarr2", "--codec", "zstd", "--chunk-shape", "40,30,50").Succeeded();
        Assert.Equal("[40, 30, 50]", run.Summary("chunks"));
        Assert.Equal("24", run.Summary("units written")); // ceil(96 / 40) × ceil(96 / 30) × ceil(96 / 50) = 3 × 4 × 2

        var expected = await VolumesTool.ReadAllAsync(await VolumesTool.OpenAsync(demo.Image));
        var read = await VolumesTool.ZarrPythonReadAsync(_work.File("copy.zarr"), _work.File("copy.bin"));
        Assert.True(read.AsSpan().SequenceEqual(expected), "zarr-python reads other voxels");

        var info = VolumesTool.Run(_work.Path, "info", "copy.zarr").Succeeded();
        Assert.Equal("Zarr v2", info.Summary("format"));
        Assert.Contains("  codecs: zstd(level 3)", info.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_to_sharded_zarr_v3_and_to_precomputed_and_back_keeps_every_voxel()
    {
        demo.Run.Succeeded();
        var expected = await VolumesTool.ReadAllAsync(await VolumesTool.OpenAsync(demo.Image));

        var sharded = VolumesTool.Run(_work.Path, "convert", demo.Image, "sharded", "--format", "zarr3", "--codec", "blosc-lz4", "--chunk-shape", "16", "--shard-shape", "32,48,32").Succeeded();
        Assert.Equal("[32, 48, 32]", sharded.Summary("shards"));
        Assert.Equal((await VolumesTool.ReadAllAsync(await VolumesTool.OpenAsync(_work.File("sharded")))), expected);

        var precomputed = VolumesTool.Run(_work.Path, "convert", "sharded", "precomputed", "--format", "precomputed", "--codec", "gzip", "--chunk-shape", "64").Succeeded();
        Assert.Equal("Neuroglancer precomputed", VolumesTool.Run(_work.Path, "info", "precomputed").Succeeded().Summary("format"));
        Assert.Equal("8", precomputed.Summary("units written"));
        Assert.NotEmpty(Directory.GetFiles(_work.File("precomputed"), "*.gz", SearchOption.AllDirectories));
        Assert.Equal(expected, await VolumesTool.ReadAllAsync(await VolumesTool.OpenAsync(_work.File("precomputed"))));

        VolumesTool.Run(_work.Path, "convert", "precomputed", "back", "--format", "zarr3").Succeeded();
        Assert.Equal(expected, await VolumesTool.ReadAllAsync(await VolumesTool.OpenAsync(_work.File("back"))));
    }

    [Fact]
    public void A_missing_store_fails_naming_it()
    {
        var error = VolumesTool.Run(_work.Path, "info", "nowhere.zarr").SingleError();
        Assert.Contains("nowhere.zarr", error, StringComparison.Ordinal);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);

        var convert = VolumesTool.Run(_work.Path, "convert", "nowhere.zarr", "out", "--format", "zarr2").SingleError();
        Assert.Contains("nowhere.zarr", convert, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_work.File("out")));
    }

    [Fact]
    public void A_directory_without_a_volume_fails_naming_the_files_looked_for()
    {
        Directory.CreateDirectory(_work.File("empty"));
        var error = VolumesTool.Run(_work.Path, "info", "empty").SingleError();
        Assert.Contains("empty", error, StringComparison.Ordinal);
        Assert.Contains("zarr.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_array_fails_naming_it_and_the_arrays_there_and_writes_nothing()
    {
        demo.Run.Succeeded();
        var error = VolumesTool.Run(_work.Path, "convert", demo.Image, "out", "--format", "zarr2", "--array", "s9").SingleError();
        Assert.Contains("s9", error, StringComparison.Ordinal);
        Assert.Contains("s0", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_work.File("out")));
    }

    [Fact]
    public void A_shard_shape_that_is_not_a_multiple_of_the_chunk_shape_fails_before_writing()
    {
        demo.Run.Succeeded();
        var error = VolumesTool.Run(_work.Path, "convert", demo.Image, "out", "--format", "zarr3", "--chunk-shape", "16", "--shard-shape", "24").SingleError();
        Assert.Contains("ShardShape [24, 24, 24] is not a multiple of ChunkShape [16, 16, 16]", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_work.File("out")));

        var codec = VolumesTool.Run(_work.Path, "convert", demo.Image, "out", "--format", "precomputed", "--codec", "blosc-zstd").SingleError();
        Assert.Contains("'blosc-zstd' is not stored by Precomputed", codec, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_work.File("out")));
    }

    [Fact]
    public void A_destination_that_is_not_empty_is_left_as_it_was()
    {
        demo.Run.Succeeded();
        Directory.CreateDirectory(_work.File("taken"));
        File.WriteAllText(_work.File("taken", "notes.txt"), "mine");
        var before = FileHashes.OfDirectory(_work.File("taken"));

        var error = VolumesTool.Run(_work.Path, "convert", demo.Image, "taken", "--format", "zarr2").SingleError();
        Assert.Contains("taken", error, StringComparison.Ordinal);
        Assert.Contains("not empty", error, StringComparison.Ordinal);
        Assert.Equal(before, FileHashes.OfDirectory(_work.File("taken")));
    }

    [Theory]
    [InlineData("convert", "a", "b")]
    [InlineData("convert", "a", "b", "--format", "n5")]
    [InlineData("convert", "a", "b", "--format", "zarr2", "--chunk-shape", "0,4,4")]
    [InlineData("info")]
    [InlineData("--bogus")]
    public void A_bad_command_line_exits_with_2(params string[] arguments)
    {
        VolumesTool.Run(_work.Path, arguments).SingleError(code: 2);
    }
}

/// <summary>A volume served over HTTP (a loopback server with range requests) is described and converted like one on disk.</summary>
public sealed class HttpSourceTests(DemoVolumeFixture demo) : IClassFixture<DemoVolumeFixture>, IDisposable
{
    private readonly TempDirectory _work = new("connectomics-volumes-http");

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task An_http_source_is_described_and_converted_voxel_for_voxel()
    {
        demo.Run.Succeeded();
        await using var server = new Connectomics.Volumes.Tests.Stores.LoopbackHttpServer(demo.Image);
        var url = server.BaseAddress.ToString().TrimEnd('/');

        var info = VolumesTool.Run(_work.Path, "info", url).Succeeded();
        Assert.Equal("Zarr v3 (OME-Zarr 0.5)", info.Summary("format"));
        Assert.Contains("  shards: [128, 128, 128]\n", info.Stdout, StringComparison.Ordinal);

        VolumesTool.Run(_work.Path, "convert", url, "copy", "--format", "zarr2", "--codec", "gzip").Succeeded();
        var expected = await VolumesTool.ReadAllAsync(await VolumesTool.OpenAsync(demo.Image));
        Assert.Equal(expected, await VolumesTool.ZarrPythonReadAsync(_work.File("copy"), _work.File("copy.bin")));

        // The shards were read in ranges (index, then inner chunks), never whole.
        Assert.Contains(server.Requests, r => r.Path.StartsWith("s0/c/", StringComparison.Ordinal) && r.Range is not null);
    }
}
