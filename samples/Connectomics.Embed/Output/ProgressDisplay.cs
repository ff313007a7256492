using System.Globalization;
using Connectomics.Embed.Cli;
using Connectomics.Pipelines;
using Spectre.Console;

namespace Connectomics.Embed.Output;

/// <summary>
/// Shows a run's progress on stderr: a live progress bar on a terminal, or a plain line every few seconds and at each
/// commit when stderr is redirected (a log file, a Slurm output file, a pod's log).
/// </summary>
internal sealed class ProgressDisplay : IProgress<PipelineProgress>
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);

    private readonly IAnsiConsole _console;
    private readonly bool _interactive;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private PipelineProgress? _latest;
    private ulong? _lastPrintedVersion;
    private DateTimeOffset _lastPrinted;

    public ProgressDisplay(IAnsiConsole console, bool interactive, TimeProvider time)
    {
        _console = console;
        _interactive = interactive;
        _time = time;
        _lastPrinted = time.GetUtcNow();
    }

    public void Report(PipelineProgress value)
    {
        lock (_gate)
        {
            _latest = value;
            if (_interactive)
            {
                return;
            }

            var now = _time.GetUtcNow();
            if (value.StoreVersion != _lastPrintedVersion || now - _lastPrinted >= PlainInterval)
            {
                _lastPrintedVersion = value.StoreVersion;
                _lastPrinted = now;
                Console.Error.WriteLine(Line(value));
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> while the progress bar (on a terminal) follows the reports.</summary>
    public async Task<T> FollowAsync<T>(string title, Func<Task<T>> work)
    {
        if (!_interactive)
        {
            return await work();
        }

        T result = default!;
        await _console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: 1);
                var running = work();
                while (!running.IsCompleted)
                {
                    Update(task);
                    await Task.WhenAny(running, Task.Delay(250));
                }

                Update(task);
                result = await running;
                task.StopTask();
            });
        return result;
    }

    private void Update(ProgressTask task)
    {
        PipelineProgress? snapshot;
        lock (_gate)
        {
            snapshot = _latest;
        }

        if (snapshot is null)
        {
            return;
        }

        if (snapshot.RecordsTotal is > 0 and var total)
        {
            task.MaxValue = total;
        }

        task.Value = Math.Min(task.MaxValue, snapshot.RecordsDone);
        task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{snapshot.RecordsDone:N0} records, {snapshot.RowsCommitted:N0} committed, {snapshot.RecordsPerSecond:F0}/s"));
    }

    private static string Line(PipelineProgress p)
    {
        var total = p.RecordsTotal is { } t ? string.Create(CultureInfo.InvariantCulture, $"/{t}") : string.Empty;
        var eta = p.EstimatedRemaining is { } remaining ? $", about {DurationText.Format(remaining)} left" : string.Empty;
        var version = p.StoreVersion is { } v ? string.Create(CultureInfo.InvariantCulture, $", version {v}") : string.Empty;
        var queues = string.Join(' ', p.QueueDepths.Select(q => string.Create(CultureInfo.InvariantCulture, $"{q.Key}={q.Value}")));
        return string.Create(CultureInfo.InvariantCulture,
            $"progress: shard {p.Shard}: {p.RecordsDone}{total} records, {p.RowsCommitted} rows committed{version}, {p.RecordsRejected} rejected, {p.RecordsPerSecond:F1} records/s{eta}; queues {queues}");
    }
}
