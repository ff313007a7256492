using Connectomics.VolumesTool.Cli;
using Connectomics.VolumesTool.Demo;

namespace Connectomics.VolumesTool.Commands;

/// <summary>
/// What the tool does with no command: makes the demo EM-like volume as an OME-Zarr 0.5 image in the demo directory
/// (beside the other samples' demo data), unless it is there already, and describes it.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The image's folder in the demo directory.</summary>
    public static readonly string VolumePath = Path.Combine("volumes", "em-demo.ome.zarr");

    public static async Task<int> RunAsync(string demoDirectory, int size, CancellationToken cancellationToken)
    {
        if (size < 16)
        {
            return CommandLineErrors.Report("--demo-size must be at least 16.");
        }

        var directory = Path.GetFullPath(demoDirectory);
        var image = Path.Combine(directory, VolumePath);
        var volume = DemoVolume.Create(size);
        var written = await volume.WriteAsync(image, cancellationToken);
        Console.Error.WriteLine($"demo: {volume} {(written ? "written to" : "already in")} {image}");
        return await InfoCommand.RunAsync(image, Console.Out, cancellationToken);
    }
}
