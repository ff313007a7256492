using System.Globalization;
using Connectomics.Lora.Training;
using Spectre.Console;

namespace Connectomics.FineTune.Output;

/// <summary>
/// Shows a training run's progress on stderr: a live progress bar on a terminal, or, when stderr is redirected (a log
/// file, a batch job's output), a plain line every few seconds and after every validation.
/// </summary>
internal sealed class TrainingProgressDisplay : IProgress<TrainingProgress>
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(10);

    private readonly bool _interactive;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private TrainingProgress? _latest;
    private IReadOnlyDictionary<string, double>? _lastValidation;
    private DateTimeOffset _lastPrinted;

    public TrainingProgressDisplay(bool interactive, TimeProvider time)
    {
        _interactive = interactive;
        _time = time;
        _lastPrinted = time.GetUtcNow();
    }

    /// <summary>Gets a display for this process: interactive when stderr is a terminal.</summary>
    /// <returns>The display.</returns>
    public static TrainingProgressDisplay ForConsole() =>
        new(!Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive, TimeProvider.System);

    public void Report(TrainingProgress value)
    {
        lock (_gate)
        {
            _latest = value;
            if (_interactive)
            {
                return;
            }

            var now = _time.GetUtcNow();
            var validated = value.Validation is not null && !ReferenceEquals(value.Validation, _lastValidation);
            if (validated || now - _lastPrinted >= PlainInterval || value.Step == value.TotalSteps)
            {
                _lastValidation = value.Validation;
                _lastPrinted = now;
                Console.Error.WriteLine("progress: " + Line(value) + (validated ? "; " + ValidationLine(value.Validation!) : string.Empty));
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> while the progress bar (on a terminal) follows the reports.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="title">The bar's title.</param>
    /// <param name="work">The run.</param>
    /// <returns>The run's result.</returns>
    public async Task<T> FollowAsync<T>(string title, Func<Task<T>> work)
    {
        if (!_interactive)
        {
            return await work();
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        await console.Progress()
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

    private void Update(ProgressTask task)
    {
        TrainingProgress? snapshot;
        lock (_gate)
        {
            snapshot = _latest;
        }

        if (snapshot is null)
        {
            return;
        }

        task.MaxValue = Math.Max(1, snapshot.TotalSteps);
        task.Value = Math.Min(task.MaxValue, snapshot.Step);
        task.Description = Markup.Escape(Line(snapshot));
    }

    private static string Line(TrainingProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"step {p.Step}/{p.TotalSteps}, epoch {p.Position.Epoch + 1}, loss {p.Loss:F4}, lr {p.LearningRate:G3}, {p.TokensPerSecond:F0} tokens/s");

    private static string ValidationLine(IReadOnlyDictionary<string, double> validation)
    {
        var parts = new List<string>();
        foreach (var name in new[] { "loss", "accuracy/mean", "accuracy/genus", "macro_f1/mean" })
        {
            if (validation.TryGetValue(name, out var value))
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {value:F4}"));
            }
        }

        return "validation " + string.Join(", ", parts);
    }
}
