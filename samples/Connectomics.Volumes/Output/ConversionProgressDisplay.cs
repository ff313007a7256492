using System.Globalization;
using Connectomics.Samples.Output;
using Connectomics.Volumes.Conversion;
using Spectre.Console;

namespace Connectomics.VolumesTool.Output;

/// <summary>The progress of a conversion: write units stored of all, and the rate.</summary>
internal sealed class ConversionProgressDisplay : ConsoleProgressDisplay<VolumeConversionProgress>
{
    private ConversionProgressDisplay(IAnsiConsole console, bool interactive, TimeProvider time)
        : base(console, interactive, time)
    {
    }

    /// <summary>Gets a display for this process: interactive when stderr is a terminal.</summary>
    /// <returns>The display.</returns>
    public static ConversionProgressDisplay ForConsole() => new(StderrConsole(), StderrIsInteractive, TimeProvider.System);

    protected override bool IsMilestone(VolumeConversionProgress value) => value.UnitsDone == value.UnitsTotal;

    protected override string PlainLine(VolumeConversionProgress value, bool milestone) => string.Create(CultureInfo.InvariantCulture,
        $"progress: {value.UnitsDone}/{value.UnitsTotal} write units, {value.BytesDone / (1024.0 * 1024.0):F1} MiB, {Rate(value):F1} MiB/s");

    protected override void Show(ProgressTask task, VolumeConversionProgress value)
    {
        task.MaxValue = Math.Max(1, value.UnitsTotal);
        task.Value = value.UnitsDone;
        task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{value.UnitsDone:N0}/{value.UnitsTotal:N0} units, {Rate(value):F0} MiB/s"));
    }

    private static double Rate(VolumeConversionProgress value) =>
        value.Elapsed > TimeSpan.Zero ? value.BytesDone / (1024.0 * 1024.0) / value.Elapsed.TotalSeconds : 0;
}
