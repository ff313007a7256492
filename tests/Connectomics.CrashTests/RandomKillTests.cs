using System.Globalization;
using Xunit.Abstractions;

namespace Connectomics.CrashTests;

/// <summary>
/// The plain tool, as users run it, killed with SIGKILL at random instants (drawn from a seeded generator over the
/// length of an uninterrupted run) several times on the same table, then run to its end: the table and the quarantine
/// must be those of an uninterrupted run, by our reader and by the official LanceDB client.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class RandomKillTests(CrashRuns runs, ITestOutputHelper output)
{
    private const int KillsPerTable = 3;

    [Fact]
    public async Task Killed_at_random_instants_and_resumed_gives_the_uninterrupted_table()
    {
        var reference = runs.ReferenceOf(CrashInput.Parquet);
        var random = new Random(CrashSettings.Seed);
        var kills = CrashSettings.Kills;
        var killed = 0;
        for (var table = 0; table * KillsPerTable < kills; table++)
        {
            var database = runs.NewDatabase($"random-{table}");
            var arguments = runs.Arguments(CrashInput.Parquet, database);
            for (var k = table * KillsPerTable; k < Math.Min(kills, (table + 1) * KillsPerTable); k++)
            {
                var delay = reference.Elapsed * random.NextDouble();
                var run = await EmbedTool.RunAndKillAsync(arguments, delay);
                var progress = run.Stderr.Split('\n').LastOrDefault(l => l.StartsWith("progress:", StringComparison.Ordinal)) ?? "(no progress yet)";
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"table {table}, kill {k}: after {delay.TotalSeconds:F2} s: {(run.Killed ? "killed" : $"ended with {run.ExitCode}")}; {progress}"));
                // A run may end on its own just before the signal (a signal to a process that has exited but is not
                // yet reaped does nothing): then it must have ended cleanly.
                Assert.True(run.Killed || run.ExitCode == 0, run.Describe());
                killed += run.Killed ? 1 : 0;
            }

            var last = await EmbedTool.RunAsync(arguments);
            Assert.True(last.ExitCode == 0, last.Describe());
            var snapshot = await TableSnapshot.ReadAsync(database, CrashRuns.Table);
            SnapshotAssert.SameAsReference(reference.Snapshot, snapshot, $"table {table} (seed {CrashSettings.Seed})");

            if (table == 0)
            {
                // The official client reads the same number of rows, each id once.
                var official = await LanceDbNode.RunAsync(
                    """
                    const table = await (await lancedb.connect(args[0])).openTable(args[1]);
                    const ids = (await table.query().select(['id']).toArray()).map(r => r.id);
                    emit({ rows: await table.countRows(), unique: new Set(ids).size });
                    """,
                    database,
                    CrashRuns.Table);
                Assert.Equal(reference.Snapshot.Ids.Count, official.GetProperty("rows").GetInt32());
                Assert.Equal(reference.Snapshot.Ids.Count, official.GetProperty("unique").GetInt32());
            }
        }

        output.WriteLine($"{killed} of {kills} runs killed before they ended");
    }
}
