using System.Globalization;
using Connectomics.VolumesTool.Cli;
using Connectomics.VolumesTool.Demo;
using Microsoft.Extensions.Logging;

namespace Connectomics.VolumesTool.Commands;

/// <summary>
/// What the tool does with no command: makes the demo EM-like volume as an OME-Zarr 0.5 image in the demo directory
/// (beside the other samples' demo data: <c>volumes/</c> next to their <c>reads/</c>, the table in the same
/// <c>vectors</c> database), unless it is there already; describes it; embeds it with the <c>tiny</c> U-Net, one row per
/// 64³ cell of 128³ blocks (a second run continues, and finds the run complete); and prints one cell's neighbours.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The demo table.</summary>
    public const string Table = "demo_em_cells";

    /// <summary>The image's folder in the demo directory.</summary>
    public static readonly string VolumePath = Path.Combine("volumes", "em-demo.ome.zarr");

    public static async Task<int> RunAsync(string demoDirectory, int size, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (size < 16)
        {
            return CommandLineErrors.Report("--demo-size must be at least 16.");
        }

        var directory = Path.GetFullPath(demoDirectory);
        var image = Path.Combine(directory, VolumePath);
        var database = Path.Combine(directory, "vectors");
        var volume = DemoVolume.Create(size);
        var written = await volume.WriteAsync(image, cancellationToken);
        Console.Error.WriteLine($"demo: {volume} {(written ? "written to" : "already in")} {image}");
        await InfoCommand.RunAsync(image, Console.Out, cancellationToken);

        var request = new EmbedCommand.Request
        {
            Source = image,
            Database = database,
            Table = Table,
            Block = Math.Min(128, RoundToStride(size)),
            Cell = Math.Min(64, RoundToStride(size / 2)),
            Preset = "tiny",
            Shard = "0/1",
        };
        var (code, result) = await EmbedCommand.RunAsync(request, loggerFactory, cancellationToken);
        if (code != ExitCodes.Success || result is null)
        {
            return code;
        }

        await DemoSearch.WriteNeighboursAsync(database, Table, "b0/c0", k: 5, Console.Out, cancellationToken);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"the table opens in LanceDB: lancedb.connect(\"{database}\").openTable(\"{Table}\")"));
        return ExitCodes.Success;
    }

    /// <summary>Small demo volumes take blocks and cells of their own size, a multiple of 8 (the U-Net's output stride).</summary>
    private static int RoundToStride(int size) => Math.Max(8, size / 8 * 8);
}
