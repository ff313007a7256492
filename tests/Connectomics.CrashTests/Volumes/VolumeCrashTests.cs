using System.Globalization;
using Xunit.Abstractions;

namespace Connectomics.CrashTests.Volumes;

/// <summary>
/// connectomics-volumes embed killed with SIGKILL while it embeds a sharded Zarr v3 volume block by block: at the
/// engine's named points (a block read, prepared, encoded, its rows written, before and after a commit, and inside the
/// Lance commit between the data files and the manifest), each at its first and its last occurrence in an uninterrupted
/// run (some at a middle one too), and at random instants; after each kill the same command is run again to its end. The table must
/// then be the uninterrupted run's: every block's rows once, none missing, the same columns and bit-identical vectors.
/// </summary>
[Collection(VolumeCrashCollection.Name)]
public sealed class VolumeCrashTests(VolumeCrashRuns runs, ITestOutputHelper output)
{
    /// <summary>The points: the engine's (one block is one chunk of the engine) and one stage of the Lance commit.</summary>
    private static readonly string[] Points =
        ["chunk-read", "chunk-prepared", "chunk-encoded", "chunk-written", "before-commit", "lance-manifest-staged", "after-commit"];

    /// <summary>Which occurrence of a point a case kills at: the first, a middle one, the last.</summary>
    public enum Occurrence
    {
        First,
        Middle,
        Last,
    }

    /// <summary>The points killed at a middle occurrence too: while blocks are read, encoded and committed.</summary>
    private static readonly string[] MiddlePoints = ["chunk-read", "chunk-encoded", "before-commit"];

    public static TheoryData<string, Occurrence> Cases()
    {
        var cases = new TheoryData<string, Occurrence>();
        foreach (var point in Points)
        {
            cases.Add(point, Occurrence.First);
            if (MiddlePoints.Contains(point))
            {
                cases.Add(point, Occurrence.Middle);
            }

            cases.Add(point, Occurrence.Last);
        }

        return cases;
    }

    [Fact]
    public void The_uninterrupted_run_holds_every_cell_of_every_block_once_over_several_commits()
    {
        var reference = runs.Reference;
        var snapshot = reference.Snapshot;
        Assert.Equal(CrashVolume.Blocks * CrashVolume.CellsPerBlock, snapshot.Ids.Count);
        Assert.Equal(snapshot.Ids.Count, snapshot.Ids.Distinct(StringComparer.Ordinal).Count());

        // The row ids are b<block id>/c<cell>, for every block id of the grid and every cell of a block.
        var expected = Enumerable.Range(0, CrashVolume.Blocks)
            .SelectMany(b => Enumerable.Range(0, CrashVolume.CellsPerBlock).Select(c => string.Create(CultureInfo.InvariantCulture, $"b{b}/c{c}")))
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, snapshot.Ids.Order(StringComparer.Ordinal));
        Assert.Equal(CrashVolume.Blocks, snapshot.Rows.Values.Select(r => r.Values["block_id"]).Distinct(StringComparer.Ordinal).Count());

        // Cells of different content have different vectors, so a row put in another's place would be seen.
        Assert.True(snapshot.Rows.Values.Select(r => string.Join(",", r.VectorBits)).Distinct(StringComparer.Ordinal).Count() > snapshot.Ids.Count / 2);
        Assert.Empty(snapshot.Quarantine);
        Assert.Empty(snapshot.UnreferencedDataFiles);

        // A block is one chunk of the engine; a commit every few blocks, so that kills fall between commits.
        Assert.Equal(CrashVolume.Blocks, reference.Counts["chunk-read"]);
        Assert.Equal(CrashVolume.Blocks, reference.Counts["chunk-written"]);
        Assert.True(reference.Counts["after-commit"] >= CrashVolume.Blocks / VolumeCrashRuns.CheckpointBlocks, $"{reference.Counts["after-commit"]} commits");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reference run: {reference.Elapsed.TotalSeconds:F1} s; {string.Join(", ", reference.Counts.Select(c => $"{c.Key} {c.Value}"))}"));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Killed_at_a_named_point_and_run_again_gives_the_uninterrupted_table(string point, Occurrence which)
    {
        var reached = runs.Reference.Counts.GetValueOrDefault(point);
        Assert.True(reached >= 1, $"An uninterrupted run never reaches {point}.");
        var occurrence = which switch
        {
            Occurrence.First => 1,
            Occurrence.Middle => (reached + 1) / 2,
            _ => reached,
        };
        var context = string.Create(CultureInfo.InvariantCulture, $"killed at {point}:{occurrence} (of {reached})");
        var database = runs.NewDatabase(string.Create(CultureInfo.InvariantCulture, $"{point}-{which}"));
        var arguments = runs.Arguments(database);

        var first = await EmbedTool.RunAsync(arguments, new Dictionary<string, string> { ["CONNECTOMICS_KILL_AT"] = $"{point}:{occurrence}" }, EmbedTool.VolumesToolDll);
        Assert.True(first.Killed, $"{context}: the first run was not killed.\n{first.Describe()}");
        Assert.Contains($"killed at {point}:{occurrence}", first.Stderr, StringComparison.Ordinal);

        var last = await EmbedTool.RunAsync(arguments, tool: EmbedTool.VolumesToolDll);
        Assert.True(last.ExitCode == 0, $"{context}: the run after the kill failed.\n{last.Describe()}");
        output.WriteLine($"{context}; then: {string.Join("; ", last.Stdout.Split('\n').Where(l => l.StartsWith("outcome:", StringComparison.Ordinal) || l.StartsWith("blocks done:", StringComparison.Ordinal)))}");

        SnapshotAssert.SameAsReference(runs.Reference.Snapshot, await TableSnapshot.ReadAsync(database, VolumeCrashRuns.Table), context);
    }

    [Fact]
    public async Task Killed_at_random_instants_and_run_again_gives_the_uninterrupted_table()
    {
        const int Kills = 4;
        var random = new Random(CrashSettings.Seed);
        var database = runs.NewDatabase("random");
        var arguments = runs.Arguments(database);
        var killed = 0;
        for (var k = 0; k < Kills; k++)
        {
            // Within the first half of an uninterrupted run's time: a resumed run has less left to do.
            var delay = runs.Reference.Elapsed * (0.1 + (0.4 * random.NextDouble()));
            var run = await EmbedTool.RunAndKillAsync(arguments, delay, EmbedTool.VolumesToolDll);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"kill {k}: after {delay.TotalSeconds:F2} s: {(run.Killed ? "killed" : $"ended with {run.ExitCode}")}"));

            // A run may end on its own just before the signal: then it must have ended cleanly.
            Assert.True(run.Killed || run.ExitCode == 0, run.Describe());
            killed += run.Killed ? 1 : 0;
        }

        var last = await EmbedTool.RunAsync(arguments, tool: EmbedTool.VolumesToolDll);
        Assert.True(last.ExitCode == 0, last.Describe());
        SnapshotAssert.SameAsReference(runs.Reference.Snapshot, await TableSnapshot.ReadAsync(database, VolumeCrashRuns.Table), $"random kills (seed {CrashSettings.Seed})");
        output.WriteLine($"{killed} of {Kills} runs killed before they ended");
    }
}
