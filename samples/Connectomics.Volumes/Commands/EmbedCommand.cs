using System.Globalization;
using Connectomics.Gpu.Models.UNet;
using Connectomics.Gpu.Volumes;
using Connectomics.Pipelines;
using Connectomics.Samples.Cli;
using Connectomics.Volumes.Pipelines;
using Connectomics.Volumes.Stores;
using Connectomics.VolumesTool.Cli;
using Connectomics.VolumesTool.Output;
using Microsoft.Extensions.Logging;

namespace Connectomics.VolumesTool.Commands;

/// <summary>
/// <c>embed SRC --db DIR --table NAME …</c>: runs the 3-D U-Net block by block over the volume into a Lance table, one
/// row per block, per cell or per point; the same command continues an interrupted run (committed blocks are not done
/// again), and shards (<c>--shard i/N</c>, a Slurm array task, a Kubernetes Indexed Job) each take a contiguous range.
/// </summary>
internal static class EmbedCommand
{
    /// <summary>What the command line asks for.</summary>
    public sealed record Request
    {
        public required string Source { get; init; }

        public string? Array { get; init; }

        public required string Database { get; init; }

        public required string Table { get; init; }

        public long Block { get; init; } = 512;

        public string Halo { get; init; } = "auto";

        public long? Cell { get; init; }

        public bool PerBlock { get; init; }

        public string? Points { get; init; }

        public string Preset { get; init; } = "tiny";

        public string? Weights { get; init; }

        public long Seed { get; init; }

        public int CacheMegabytes { get; init; } = 256;

        public int Concurrency { get; init; } = 4;

        public string? Shard { get; init; }

        public int? ShardCount { get; init; }

        public string RunId { get; init; } = "default";

        public long CheckpointBlocks { get; init; } = VolumePipelineBuilder.DefaultCheckpointBlocks;

        public bool Restart { get; init; }
    }

    public static async Task<(int Code, VolumeRunResult? Result)> RunAsync(Request request, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var granularities = (request.Cell is not null ? 1 : 0) + (request.PerBlock ? 1 : 0) + (request.Points is not null ? 1 : 0);
        if (granularities > 1)
        {
            return (CommandLineErrors.Report("--cell, --per-block and --points each choose the rows: give one."), null);
        }

        if (request.Block < 1 || request.Cell is < 1 || request.CacheMegabytes < 0 || request.Concurrency < 1 || request.CheckpointBlocks < 1)
        {
            return (CommandLineErrors.Report("--block, --cell, --concurrency and --checkpoint-blocks must be 1 or more, --cache-mb 0 or more."), null);
        }

        long? halo = null;
        if (!string.Equals(request.Halo, "auto", StringComparison.OrdinalIgnoreCase))
        {
            if (!long.TryParse(request.Halo, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return (CommandLineErrors.Report($"--halo '{request.Halo}' is neither a number of voxels nor 'auto'."), null);
            }

            halo = value;
        }

        var (shard, shardSource) = ShardResolution.Resolve(request.Shard, request.ShardCount);
        var points = request.Points is { } file ? PointsFile.Read(file) : null;
        var store = VolumeStore.Open(request.Source);
        var source = await store.OpenArrayAsync(request.Array, cancellationToken);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"input: {request.Source}, array {source.Name} ({InfoCommand.DataTypeName(source.Array.Info.DataType)}, {ShapeText.Format(source.Array.Info.Shape)}, voxels {source.VoxelSize.Z} x {source.VoxelSize.Y} x {source.VoxelSize.X} {source.Unit}); table '{request.Table}' in {request.Database}; run '{request.RunId}', shard {shard} ({shardSource})"));

        using var unet = request.Weights is { } weights
            ? UNet3dModel.FromSafetensors(weights, File.Exists(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(weights))!, "config.json")) || Directory.Exists(weights) ? null : UNet3dPresets.Get(request.Preset))
            : UNet3dModel.FromPreset(request.Preset, request.Seed);
        using var model = new UNetBlockEmbedder(unet);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model: 3-D U-Net '{unet.Name}' ({(request.Weights is null ? $"random weights, seed {request.Seed}" : request.Weights)}), {unet.FeatureChannels} features, context {unet.Context}, output stride {unet.OutputStride}"));

        var display = EmbeddingProgressDisplay.ForConsole();
        var builder = EmbeddingPipeline.FromVolume(store, source.Name)
            .Blocks(b =>
            {
                b.Size(request.Block);
                if (halo is { } voxels)
                {
                    b.Halo(voxels);
                }
                else
                {
                    b.Halo(HaloSize.Auto);
                }
            })
            .Read(r => r.CacheBytes((long)request.CacheMegabytes << 20).Concurrency(request.Concurrency))
            .Embed(model, e =>
            {
                if (request.Cell is { } cell)
                {
                    e.PerCell(cell);
                }
                else if (points is not null)
                {
                    e.PerPoints(points);
                }
                else
                {
                    e.PerBlock();
                }
            })
            .ToLance(request.Database, request.Table)
            .CheckpointEvery(TimeSpan.FromMinutes(30), request.CheckpointBlocks)
            .WithRunId(request.RunId)
            .AsShard(shard)
            .Restart(request.Restart)
            .UseLoggerFactory(loggerFactory);
        var result = await display.FollowAsync($"shard {shard}", () => builder.RunAsync(display, cancellationToken));

        var pipeline = result.Pipeline;
        var summary = new List<(string Name, string Value)>
        {
            ("outcome", pipeline.Outcome switch
            {
                PipelineOutcome.Completed => pipeline.Resumed ? "completed (resumed)" : "completed",
                PipelineOutcome.AlreadyComplete => "already complete: nothing to do",
                _ => "cancelled: committed blocks kept; run the same command to continue",
            }),
            ("run", $"{pipeline.RunId}, shard {pipeline.Shard}"),
            ("table", $"{request.Table} in {request.Database}"),
            ("version", pipeline.StoreVersion?.ToString(CultureInfo.InvariantCulture) ?? "-"),
            ("blocks done", result.BlocksCompleted.ToString(CultureInfo.InvariantCulture)),
            ("blocks skipped", result.BlocksSkipped.ToString(CultureInfo.InvariantCulture)),
            ("blocks failed", result.BlocksFailed.ToString(CultureInfo.InvariantCulture)),
            ("rows written", result.Rows.ToString(CultureInfo.InvariantCulture)),
            ("rows in shard", pipeline.RowsCommitted.ToString(CultureInfo.InvariantCulture)),
            ("normalization", result.Normalization.ToSetting()),
            ("time", string.Create(CultureInfo.InvariantCulture, $"{result.Elapsed.TotalSeconds:F1}s")),
        };
        foreach (var (name, value) in summary)
        {
            Console.Out.WriteLine($"{name}: {value}");
        }

        if (pipeline.Outcome == PipelineOutcome.Cancelled)
        {
            return (ExitCodes.Cancelled, result);
        }

        if (pipeline.Outcome == PipelineOutcome.AlreadyComplete)
        {
            Console.Error.WriteLine($"shard {shard} of run '{pipeline.RunId}' is already complete; nothing to do (--restart starts over).");
        }

        return (ExitCodes.Success, result);
    }
}
