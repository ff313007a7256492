using System.Globalization;

namespace Connectomics.CrashTests;

/// <summary>
/// One crash of the named-point tests: the input, where the first run is killed (a point and the occurrence of it),
/// and where the resumed run is killed again, if it is. Case <c>i</c> takes point <c>i mod 11</c>, so every named
/// point is covered once in each round of 11 cases; the input alternates between rounds, and the occurrences come
/// from a generator seeded by the case number and the crash seed.
/// </summary>
internal sealed record CrashCase(int Index, CrashInput Input, string Point, int Occurrence, string? ThenPoint, int ThenOccurrence)
{
    /// <summary>The named points: the engine's and the Lance commit's (see tests/Connectomics.PipelineCrashHook).</summary>
    public static readonly IReadOnlyList<string> Points =
    [
        "chunk-read", "chunk-prepared", "chunk-encoded", "quarantine-written", "chunk-written", "before-commit",
        "lance-commit-starting", "lance-transaction-written", "lance-manifest-staged", "lance-manifest-published", "after-commit",
    ];

    /// <summary>Makes case <paramref name="index"/>; <paramref name="counts"/> gives how often an uninterrupted run of each input reaches each point.</summary>
    public static CrashCase For(int index, int seed, Func<CrashInput, string, int> counts)
    {
        var random = new Random(unchecked((seed * 7919) + index));
        var round = index / Points.Count;
        var input = (index + round) % 2 == 0 ? CrashInput.Parquet : CrashInput.Fasta;
        var point = Points[index % Points.Count];
        var reached = counts(input, point);
        if (reached < 1)
        {
            throw new InvalidOperationException($"An uninterrupted {input} run never reaches {point}.");
        }

        var occurrence = random.Next(1, reached + 1);
        string? then = null;
        var thenOccurrence = 0;
        if (random.Next(2) == 0)
        {
            then = Points[random.Next(Points.Count)];
            thenOccurrence = random.Next(1, 3);
        }

        return new CrashCase(index, input, point, occurrence, then, thenOccurrence);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"case {Index}: {Input}, killed at {Point}:{Occurrence}{(ThenPoint is null ? string.Empty : $", then at {ThenPoint}:{ThenOccurrence}")}");
}
