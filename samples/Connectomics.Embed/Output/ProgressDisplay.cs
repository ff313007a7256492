using System.Globalization;
using Connectomics.Embed.Cli;
using Connectomics.Pipelines;
using Connectomics.Samples.Output;
using Spectre.Console;

namespace Connectomics.Embed.Output;

/// <summary>The progress of an embedding run: records read, rows committed, the rate; each commit is a milestone.</summary>
internal sealed class ProgressDisplay : ConsoleProgressDisplay<PipelineProgress>
{
    private ulong? _lastPrintedVersion;

    private ProgressDisplay(IAnsiConsole console, bool interactive, TimeProvider time)
        : base(console, interactive, time)
    {
    }

    /// <summary>Gets a display for this process: interactive when stderr is a terminal.</summary>
    /// <returns>The display.</returns>
    public static ProgressDisplay ForConsole() => new(StderrConsole(), StderrIsInteractive, TimeProvider.System);

    protected override bool IsMilestone(PipelineProgress value)
    {
        var committed = value.StoreVersion != _lastPrintedVersion;
        _lastPrintedVersion = value.StoreVersion;
        return committed;
    }

    protected override string PlainLine(PipelineProgress p, bool milestone)
    {
        var total = p.RecordsTotal is { } t ? string.Create(CultureInfo.InvariantCulture, $"/{t}") : string.Empty;
        var eta = p.EstimatedRemaining is { } remaining ? $", about {DurationText.Format(remaining)} left" : string.Empty;
        var version = p.StoreVersion is { } v ? string.Create(CultureInfo.InvariantCulture, $", version {v}") : string.Empty;
        var queues = string.Join(' ', p.QueueDepths.Select(q => string.Create(CultureInfo.InvariantCulture, $"{q.Key}={q.Value}")));
        return string.Create(CultureInfo.InvariantCulture,
            $"progress: shard {p.Shard}: {p.RecordsDone}{total} records, {p.RowsCommitted} rows committed{version}, {p.RecordsRejected} rejected, {p.RecordsPerSecond:F1} records/s{eta}; queues {queues}");
    }

    protected override void Show(ProgressTask task, PipelineProgress value)
    {
        if (value.RecordsTotal is > 0 and var total)
        {
            task.MaxValue = total;
        }

        task.Value = Math.Min(task.MaxValue, value.RecordsDone);
        task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{value.RecordsDone:N0} records, {value.RowsCommitted:N0} committed, {value.RecordsPerSecond:F0}/s"));
    }
}
