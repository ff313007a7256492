using System.Globalization;
using Connectomics.Lora.Training;
using Connectomics.Samples.Output;
using Spectre.Console;

namespace Connectomics.FineTune.Output;

/// <summary>The progress of a training run: step, epoch, loss, learning rate, throughput; each validation (and the last
/// step) is a milestone.</summary>
internal sealed class TrainingProgressDisplay : ConsoleProgressDisplay<TrainingProgress>
{
    private IReadOnlyDictionary<string, double>? _lastValidation;
    private bool _newValidation;

    private TrainingProgressDisplay(IAnsiConsole console, bool interactive, TimeProvider time)
        : base(console, interactive, time)
    {
    }

    /// <summary>Gets a display for this process: interactive when stderr is a terminal.</summary>
    /// <returns>The display.</returns>
    public static TrainingProgressDisplay ForConsole() => new(StderrConsole(), StderrIsInteractive, TimeProvider.System);

    protected override bool IsMilestone(TrainingProgress value)
    {
        _newValidation = value.Validation is not null && !ReferenceEquals(value.Validation, _lastValidation);
        if (_newValidation)
        {
            _lastValidation = value.Validation;
        }

        return _newValidation || value.Step == value.TotalSteps;
    }

    // A validation's scores are printed once, on the line of the report that brought them.
    protected override string PlainLine(TrainingProgress value, bool milestone) =>
        "progress: " + Line(value) + (_newValidation ? "; " + ValidationLine(value.Validation!) : string.Empty);

    protected override void Show(ProgressTask task, TrainingProgress value)
    {
        task.MaxValue = Math.Max(1, value.TotalSteps);
        task.Value = Math.Min(task.MaxValue, value.Step);
        task.Description = Markup.Escape(Line(value));
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
