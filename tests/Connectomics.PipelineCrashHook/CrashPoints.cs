using System.Diagnostics;
using System.Globalization;
using Connectomics.Pipelines.Engine;
using Connectomics.Storage.Lance.Table;

namespace Connectomics.PipelineCrashHook;

/// <summary>Counts the named points a run reaches and kills the process at the chosen occurrence of one.</summary>
internal sealed class CrashPoints
{
    public const string KillAtVariable = "CONNECTOMICS_KILL_AT";
    public const string CountsVariable = "CONNECTOMICS_POINT_COUNTS";

    /// <summary>The names of the Lance commit stages, as points.</summary>
    public static readonly IReadOnlyDictionary<CommitStage, string> LanceStages = new Dictionary<CommitStage, string>
    {
        [CommitStage.Starting] = "lance-commit-starting",
        [CommitStage.TransactionWritten] = "lance-transaction-written",
        [CommitStage.ManifestStaged] = "lance-manifest-staged",
        [CommitStage.ManifestPublished] = "lance-manifest-published",
    };

    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly (string Point, int Occurrence)? _target;

    public CrashPoints((string Point, int Occurrence)? target) => _target = target;

    /// <summary>Parses <c>point:n</c>.</summary>
    public static (string Point, int Occurrence) ParseTarget(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            throw new FormatException($"{KillAtVariable}='{text}' is not <point>:<n> with n >= 1.");
        }

        var point = text[..colon];
        if (!PipelineFaults.All.Contains(point) && !LanceStages.Values.Contains(point))
        {
            throw new FormatException($"{KillAtVariable}: '{point}' is not a point ({string.Join(", ", PipelineFaults.All.Concat(LanceStages.Values))}).");
        }

        return (point, n);
    }

    public void Install()
    {
        PipelineFaults.PointReached = Reached;
        TableCommitter.StageReached = stage => Reached(LanceStages[stage]);
    }

    public IEnumerable<string> Counts()
    {
        lock (_counts)
        {
            return [.. _counts.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value}"))];
        }
    }

    private void Reached(string point)
    {
        int count;
        lock (_counts)
        {
            count = _counts.GetValueOrDefault(point) + 1;
            _counts[point] = count;
        }

        if (_target is var (target, occurrence) && count == occurrence && string.Equals(point, target, StringComparison.Ordinal))
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"killed at {point}:{count}"));
            Console.Error.Flush();
            Process.GetCurrentProcess().Kill();
        }
    }
}
