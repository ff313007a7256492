using Xunit.Abstractions;

namespace Connectomics.CrashTests;

/// <summary>
/// The tool killed with SIGKILL at exact points (reading, preparing, encoding, quarantining, writing, committing: each
/// stage of the Lance commit, between the data files and the manifest), resumed, sometimes killed again, then run to
/// its end: the table and the quarantine must be those of an uninterrupted run.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class NamedPointCrashTests(CrashRuns runs, ITestOutputHelper output)
{
    public static TheoryData<int> Cases()
    {
        var cases = new TheoryData<int>();
        for (var i = 0; i < CrashSettings.Points; i++)
        {
            cases.Add(i);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Killed_at_a_named_point_and_resumed_gives_the_uninterrupted_table(int index)
    {
        var crash = CrashCase.For(index, CrashSettings.Seed, (input, point) => runs.ReferenceOf(input).Counts.GetValueOrDefault(point));
        output.WriteLine(crash.ToString());
        var database = runs.NewDatabase($"case-{index}");
        var arguments = runs.Arguments(crash.Input, database);

        var first = await EmbedTool.RunAsync(arguments, KillAt(crash.Point, crash.Occurrence));
        Assert.True(first.Killed, $"{crash}: the first run was not killed.\n{first.Describe()}");
        Assert.Contains($"killed at {crash.Point}:{crash.Occurrence}", first.Stderr, StringComparison.Ordinal);

        if (crash.ThenPoint is not null)
        {
            // The resumed run is killed too, when it reaches that point so often (a run near its end may not).
            var second = await EmbedTool.RunAsync(arguments, KillAt(crash.ThenPoint, crash.ThenOccurrence));
            output.WriteLine(second.Killed ? $"resumed run killed at {crash.ThenPoint}:{crash.ThenOccurrence}" : $"resumed run ended with {second.ExitCode}");
            Assert.True(second.Killed || second.ExitCode == 0, $"{crash}: the resumed run failed.\n{second.Describe()}");
        }

        var last = await EmbedTool.RunAsync(arguments);
        Assert.True(last.ExitCode == 0, $"{crash}: the last run failed.\n{last.Describe()}");
        output.WriteLine(last.Stderr.Split('\n').LastOrDefault(l => l.StartsWith("progress:", StringComparison.Ordinal)) ?? string.Empty);

        var snapshot = await TableSnapshot.ReadAsync(database, CrashRuns.Table);
        SnapshotAssert.SameAsReference(runs.ReferenceOf(crash.Input).Snapshot, snapshot, crash.ToString());
        if (snapshot.StagingFiles.Count > 0)
        {
            output.WriteLine($"staging files left for cleanup: {string.Join(", ", snapshot.StagingFiles)}");
        }
    }

    private static Dictionary<string, string> KillAt(string point, int occurrence) =>
        new() { ["CONNECTOMICS_KILL_AT"] = $"{point}:{occurrence}" };
}
