using System.Globalization;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Conversion;
using Connectomics.Volumes.Stores;
using Connectomics.VolumesTool.Cli;
using Connectomics.VolumesTool.Output;
using Microsoft.Extensions.Logging;

namespace Connectomics.VolumesTool.Commands;

/// <summary><c>convert SRC DST --format …</c>: the whole array, one destination chunk or shard at a time.</summary>
internal static class ConvertCommand
{
    /// <summary>What the command line asks for.</summary>
    public sealed record Request(string Source, string Destination, string Format, string? Array, string? Codec, int? Level, int[]? ChunkShape, int[]? ShardShape, int CacheMegabytes, int Concurrency);

    public static async Task<int> RunAsync(Request request, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var format = request.Format switch
        {
            "zarr2" => VolumeFormat.ZarrV2,
            "zarr3" => VolumeFormat.ZarrV3,
            _ => VolumeFormat.Precomputed,
        };
        if (request.CacheMegabytes < 0 || request.Concurrency < 1)
        {
            return CommandLineErrors.Report("--cache-mb must be 0 or more and --concurrency 1 or more.");
        }

        var source = await VolumeStore.Open(request.Source).OpenArrayAsync(request.Array, cancellationToken);
        var converter = new VolumeConverter(
            new VolumeConversionOptions
            {
                Format = format,
                Codec = request.Codec,
                CompressionLevel = request.Level,
                ChunkShape = request.ChunkShape,
                ShardShape = request.ShardShape,
                VoxelSize = source.Unit == "nanometer" ? [source.VoxelSize.Z, source.VoxelSize.Y, source.VoxelSize.X] : null,
                Concurrency = request.Concurrency,
                CacheBytes = (long)request.CacheMegabytes << 20,
                Read = new() { ReadConcurrency = request.Concurrency },
            },
            loggerFactory: loggerFactory);
        var display = ConversionProgressDisplay.ForConsole();
        var destination = new FileSystemStore(request.Destination);
        var result = await display.FollowAsync("converting", () => converter.ConvertAsync(source.Array, destination, string.Empty, display, cancellationToken));

        var info = result.Destination;
        Console.Out.WriteLine($"source: {result.Source.Location} ({InfoCommand.FormatName(result.Source.Format)}, {InfoCommand.DataTypeName(result.Source.DataType)}, {ShapeText.Format(result.Source.Shape)})");
        Console.Out.WriteLine($"destination: {destination.Location} ({InfoCommand.FormatName(info.Format)})");
        Console.Out.WriteLine($"chunks: {ShapeText.Format(info.ChunkShape)}");
        Console.Out.WriteLine($"shards: {(info.ShardShape is { } shards ? ShapeText.Format(shards) : "none")}");
        Console.Out.WriteLine($"codecs: {info.CodecSummary}");
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"units written: {result.Units}"));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"memory bound: {result.MemoryBoundBytes / (1024.0 * 1024.0):F1} MiB"));
        Console.Out.WriteLine($"elapsed: {DurationText(result.Elapsed)}");
        return ExitCodes.Success;
    }

    private static string DurationText(TimeSpan elapsed) => elapsed.TotalMinutes >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalMinutes}m{elapsed.Seconds:D2}s")
        : string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:F1}s");
}
