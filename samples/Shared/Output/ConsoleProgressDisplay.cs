using Spectre.Console;

namespace Connectomics.Samples.Output;

/// <summary>
/// Shows a run's progress on stderr: a live progress bar on a terminal, or, when stderr is redirected (a log file, a
/// batch job's output, a pod's log), a plain line every few seconds and at each milestone the run reports (a commit, a
/// validation). The sample programs derive one display per kind of progress.
/// </summary>
/// <typeparam name="T">The progress a run reports.</typeparam>
internal abstract class ConsoleProgressDisplay<T> : IProgress<T>
    where T : class
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);

    private readonly IAnsiConsole _console;
    private readonly bool _interactive;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private T? _latest;
    private DateTimeOffset _lastPrinted;

    protected ConsoleProgressDisplay(IAnsiConsole console, bool interactive, TimeProvider time)
    {
        _console = console;
        _interactive = interactive;
        _time = time;
        _lastPrinted = time.GetUtcNow();
    }

    /// <summary>Gets whether this process's stderr is a terminal that can show a live bar.</summary>
    protected static bool StderrIsInteractive => !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Gets a console that writes to stderr.</summary>
    /// <returns>The console.</returns>
    protected static IAnsiConsole StderrConsole() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public void Report(T value)
    {
        lock (_gate)
        {
            _latest = value;
            if (_interactive)
            {
                return;
            }

            var now = _time.GetUtcNow();
            var milestone = IsMilestone(value);
            if (milestone || now - _lastPrinted >= PlainInterval)
            {
                _lastPrinted = now;
                Console.Error.WriteLine(PlainLine(value, milestone));
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> while the progress bar (on a terminal) follows the reports.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="title">The bar's title.</param>
    /// <param name="work">The run.</param>
    /// <returns>The run's result.</returns>
    public async Task<TResult> FollowAsync<TResult>(string title, Func<Task<TResult>> work)
    {
        if (!_interactive)
        {
            return await work();
        }

        TResult result = default!;
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
                try
                {
                    result = await running;
                }
                finally
                {
                    task.StopTask();
                }
            });
        return result;
    }

    /// <summary>Says whether a report is a milestone that is always printed (and remembers it as printed).</summary>
    /// <param name="value">The report.</param>
    /// <returns><see langword="true"/> to print it now.</returns>
    protected abstract bool IsMilestone(T value);

    /// <summary>Gets the plain line of a report.</summary>
    /// <param name="value">The report.</param>
    /// <param name="milestone">Whether <see cref="IsMilestone"/> said so.</param>
    /// <returns>The line.</returns>
    protected abstract string PlainLine(T value, bool milestone);

    /// <summary>Shows a report on the bar: its value, maximum and description.</summary>
    /// <param name="task">The bar.</param>
    /// <param name="value">The newest report.</param>
    protected abstract void Show(ProgressTask task, T value);

    private void Update(ProgressTask task)
    {
        T? snapshot;
        lock (_gate)
        {
            snapshot = _latest;
        }

        if (snapshot is not null)
        {
            Show(task, snapshot);
        }
    }
}
