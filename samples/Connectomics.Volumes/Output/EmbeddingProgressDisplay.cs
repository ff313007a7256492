using System.Globalization;
using Connectomics.Samples.Output;
using Connectomics.Volumes.Pipelines;
using Spectre.Console;

namespace Connectomics.VolumesTool.Output;

/// <summary>The progress of a volume embedding run: blocks done, rows committed, the rate; each commit is a milestone.</summary>
internal sealed class EmbeddingProgressDisplay : ConsoleProgressDisplay<VolumeProgress>
{
    private long _lastCommitted = -1;

    private EmbeddingProgressDisplay(IAnsiConsole console, bool interactive, TimeProvider time)
        : base(console, interactive, time)
    {
    }

    /// <summary>Gets a display for this process: interactive when stderr is a terminal.</summary>
    /// <returns>The display.</returns>
    public static EmbeddingProgressDisplay ForConsole() => new(StderrConsole(), StderrIsInteractive, TimeProvider.System);

    protected override bool IsMilestone(VolumeProgress value)
    {
        var committed = value.RowsCommitted != _lastCommitted;
        _lastCommitted = value.RowsCommitted;
        return committed;
    }

    protected override string PlainLine(VolumeProgress p, bool milestone)
    {
        var total = p.BlocksTotal is { } t ? string.Create(CultureInfo.InvariantCulture, $"/{t}") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"progress: {p.BlocksDone}{total} blocks ({p.BlocksSkipped} skipped, {p.BlocksFailed} failed), {p.RowsCommitted} rows committed, {p.VoxelsPerSecond / 1e6:F2} Mvoxel/s");
    }

    protected override void Show(ProgressTask task, VolumeProgress value)
    {
        if (value.BlocksTotal is > 0 and var total)
        {
            task.MaxValue = total;
        }

        task.Value = Math.Min(task.MaxValue, value.BlocksDone);
        task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{value.BlocksDone:N0} blocks, {value.RowsCommitted:N0} rows committed, {value.VoxelsPerSecond / 1e6:F1} Mvoxel/s"));
    }
}
