using System.CommandLine;

namespace Connectomics.VolumesTool.Cli;

/// <summary>The tool's commands and their options: <c>info</c>, <c>convert</c>, <c>embed</c>, and the demo (no command).</summary>
internal sealed class VolumesCommandLine
{
    public const string Usage = """
        Volumes for connectomics: electron-microscopy and other 3-D arrays in Zarr v2, Zarr v3 (sharded, OME-Zarr) or
        Neuroglancer precomputed, from a directory or an http(s):// address.

          connectomics-volumes info STORE
          connectomics-volumes convert SRC DST --format zarr2|zarr3|precomputed [--array NAME] [--codec C] [--chunk-shape Z,Y,X] [--shard-shape Z,Y,X]
          connectomics-volumes embed SRC [--array NAME] --db DIR --table NAME [--block N] [--halo N|auto] [--cell N | --per-block | --points FILE.parquet]
                                     [--preset tiny|small | --weights FILE.safetensors] [--cache-mb N] [--concurrency N] [--shard i/N] [--run-id ID] [--restart]

        Without a command: makes a demo EM-like volume (256³ uint8 Voronoi cells with membranes, blobs, noise and blur)
        as a sharded blosc-zstd OME-Zarr 0.5 image in the demo directory, embeds it with the 'tiny' U-Net (random
        weights) into a Lance table, one row per 64³ cell of 128³ blocks, and prints one cell's nearest neighbours.
        Running it again continues (and finds the run complete).
        Exit codes: 0 done, 1 failed (one 'error:' line says why), 2 bad command line, 130 cancelled.
        """;

    // Shared.
    public Option<bool> Verbose { get; } = new("--verbose") { Description = "Log what the library does (reads retried, conversions, runs).", Recursive = true };

    // Demo.
    public Option<string> DemoDirectory { get; } = new("--demo-dir") { Description = "Without a command: where the demo volume and table are made.", DefaultValueFactory = _ => "connectomics-demo" };
    public Option<int> DemoSize { get; } = new("--demo-size") { Description = "Without a command: the edge of the demo volume's cube, in voxels.", DefaultValueFactory = _ => Demo.DemoVolume.DefaultSize };

    // info.
    public Argument<string> InfoStore { get; } = new("STORE") { Description = "The volume: a directory or an http(s):// address (Zarr v2, Zarr v3, OME-Zarr or precomputed)." };

    // convert.
    public Argument<string> ConvertSource { get; } = new("SRC") { Description = "The volume to read: a directory or an http(s):// address." };
    public Argument<string> ConvertDestination { get; } = new("DST") { Description = "The new volume's directory (must be empty or not exist)." };
    public Option<string> Format { get; } = new("--format") { Description = "The destination format: zarr2, zarr3 or precomputed.", Required = true };
    public Option<string?> Array { get; } = new("--array") { Description = "The array to read: its path in a Zarr store (s0, raw/0) or a precomputed scale's key (8_8_40). Default: the only array, or level 0." };
    public Option<string?> Codec { get; } = new("--codec") { Description = "raw, gzip, zstd, blosc-lz4, blosc-lz4hc, blosc-zstd, blosc-zlib (Zarr; zlib and lz4 in Zarr v2); raw or gzip (precomputed). Default: blosc-zstd for Zarr, raw for precomputed." };
    public Option<int?> Level { get; } = new("--level") { Description = "The codec's compression level. Default: the codec's." };
    public Option<string?> ChunkShape { get; } = new("--chunk-shape") { Description = "The destination's chunk shape, Z,Y,X (or one number for a cube). Default: the source's." };
    public Option<string?> ShardShape { get; } = new("--shard-shape") { Description = "Zarr v3: the shard shape, Z,Y,X, a multiple of the chunk shape. Default: unsharded (or the source's shards)." };

    // embed.
    public Argument<string> EmbedSource { get; } = new("SRC") { Description = "The volume to embed: a directory or an http(s):// address." };
    public Option<string?> Database { get; } = new("--db") { Description = "The LanceDB database directory (created when missing).", Required = true };
    public Option<string?> Table { get; } = new("--table") { Description = "The table (created when missing; appended to by every shard).", Required = true };
    public Option<long> Block { get; } = new("--block") { Description = "The edge of a block's write box, voxels (a multiple of the model's output stride).", DefaultValueFactory = _ => 512 };
    public Option<string> Halo { get; } = new("--halo") { Description = "The voxels read around each block: a number, or auto (the model's context).", DefaultValueFactory = _ => "auto" };
    public Option<long?> Cell { get; } = new("--cell") { Description = "One row per cell of this edge (e.g. 64) in each block." };
    public Option<bool> PerBlock { get; } = new("--per-block") { Description = "One row per block (the default)." };
    public Option<string?> Points { get; } = new("--points") { Description = "One row per point of a Parquet file with columns id, z, y, x (voxels)." };
    public Option<string> Preset { get; } = new("--preset") { Description = "The U-Net preset: tiny or small (random weights unless --weights).", DefaultValueFactory = _ => "tiny" };
    public Option<string?> Weights { get; } = new("--weights") { Description = "A safetensors file of funlib U-Net weights (its config.json beside it, else the --preset's shape), or a checkpoint directory." };
    public Option<long> Seed { get; } = new("--seed") { Description = "The seed of a preset's random weights.", DefaultValueFactory = _ => 0 };
    public Option<string?> Shard { get; } = new("--shard") { Description = "This process's shard, i/N (0-based). Default: from a Slurm array job or a Kubernetes Indexed Job, else 0/1." };
    public Option<int?> ShardCount { get; } = new("--shard-count") { Description = "The number of shards of a Kubernetes Indexed Job (its completions); also $CONNECTOMICS_SHARD_COUNT." };
    public Option<string> RunId { get; } = new("--run-id") { Description = "The run; the same command with the same run id continues it.", DefaultValueFactory = _ => "default" };
    public Option<long> CheckpointBlocks { get; } = new("--checkpoint-blocks") { Description = "Commit the finished blocks' rows (and the done-block set) at least every this many blocks; also every 30 minutes.", DefaultValueFactory = _ => 200 };
    public Option<bool> Restart { get; } = new("--restart") { Description = "Start over: replace the table's rows instead of continuing the run." };

    // convert and embed.
    public Option<int> CacheMegabytes { get; } = new("--cache-mb") { Description = "The chunk cache's limit, MiB.", DefaultValueFactory = _ => 256 };
    public Option<int> Concurrency { get; } = new("--concurrency") { Description = "How many chunks are read (and, converting, write units written) at once.", DefaultValueFactory = _ => 4 };

    public RootCommand CreateRoot()
    {
        var info = new Command("info", "Describes a volume: its format, and each array (or precomputed scale) with shape, data type, chunks and shards, codecs, fill value and voxel size.") { InfoStore };
        var convert = new Command("convert", "Copies a whole array into a new Zarr v2, Zarr v3 (optionally sharded) or precomputed (raw) volume, streamed one destination chunk or shard at a time; memory stays within the cache and the concurrency, whatever the volume's size.")
        {
            ConvertSource, ConvertDestination, Format, Array, Codec, Level, ChunkShape, ShardShape, CacheMegabytes, Concurrency,
        };
        var embed = new Command("embed", "Runs a 3-D U-Net block by block over a volume into a Lance table: one row per block, per cell or per point, with the block's coordinates. Re-running the same command continues the run; shards split the blocks.")
        {
            EmbedSource, Array, Database, Table, Block, Halo, Cell, PerBlock, Points, Preset, Weights, Seed, CacheMegabytes, Concurrency, Shard, ShardCount, RunId, CheckpointBlocks, Restart,
        };
        Format.AcceptOnlyFromAmong("zarr2", "zarr3", "precomputed");
        Preset.AcceptOnlyFromAmong("tiny", "small");
        var root = new RootCommand(Usage) { DemoDirectory, DemoSize, Verbose, info, convert, embed };
        Info = info;
        Convert = convert;
        Embed = embed;
        return root;
    }

    public Command Embed { get; private set; } = null!;

    public Command Info { get; private set; } = null!;

    public Command Convert { get; private set; } = null!;
}
