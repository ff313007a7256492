using System.Collections.Concurrent;
using Connectomics.Chunks;
using Connectomics.Pipelines.Tests.Doubles;
using Connectomics.Pipelines.Tests.Doubles.Tiles;

namespace Connectomics.Pipelines.Tests.Engine;

public sealed class RetryQuarantinedTests
{
    // Tiles u0-t0 (1 row), u0-t1 (2), u0-t2 (1), u1-t0 (2), u1-t1 (1): 7 rows.
    private static readonly List<IReadOnlyList<Tile>> Units = TileScenario.Units([1, 2, 1], [2, 1]);

    [Fact]
    public async Task A_quarantined_record_stays_pending_and_the_next_run_reads_it_alone_and_writes_it_once()
    {
        var failures = new ConcurrentDictionary<string, int> { ["u0-t1"] = 1 };
        var quarantine = new MemoryQuarantine();
        var store = new MemoryVectorStore();

        var first = await Run(store, failures, quarantine);

        Assert.Equal((PipelineOutcome.Completed, 1, 1L, 5L), (first.Result.Outcome, first.Result.RetryPending, first.Result.RecordsRejected, first.Result.RowsCommitted));
        Assert.Equal(WorkPosition.Done, first.Tag.Position);
        Assert.Equal([TileScenario.At(0, 1)], first.Tag.Retry);
        Assert.Equal((5L, 1L), (first.Tag.RecordsRead, first.Tag.RecordsRejected));
        // Quarantined on its own, under its own offset (the chunk starts at 0).
        var entry = Assert.Single(quarantine.Chunks);
        Assert.Equal(("tiles-0", 1L), (entry.Key.Unit, entry.Key.Offset));
        Assert.Equal("u0-t1", Assert.Single(entry.Value).RecordId);
        Assert.DoesNotContain(first.Rows, r => r.Id.StartsWith("u0-t1/", StringComparison.Ordinal));

        var second = await Run(store, failures, quarantine);

        Assert.Equal((PipelineOutcome.Completed, true, 0, 0L), (second.Result.Outcome, second.Result.Resumed, second.Result.RetryPending, second.Result.RecordsRejected));
        Assert.Equal((2L, 7L, 1L), (second.Result.RowsWritten, second.Result.RowsCommitted, second.Result.RecordsRead));
        Assert.Equal([("tiles-0", 1L, 1)], second.Scenario.Source.Reads);
        Assert.Empty(second.Tag.Retry);
        Assert.Equal((5L, 0L), (second.Tag.RecordsRead, second.Tag.RecordsRejected));
        AssertAllRowsOnce(second.Rows);
        Assert.Contains(second.Scenario.Logs.Logger.Entries, e => e.EventId.Id == 10);

        var third = await Run(store, failures, quarantine);

        Assert.Equal(PipelineOutcome.AlreadyComplete, third.Result.Outcome);
        Assert.Empty(third.Scenario.Source.Reads);
    }

    [Fact]
    public async Task A_record_that_fails_again_stays_pending_across_runs_and_replaces_its_quarantine_entry()
    {
        var failures = new ConcurrentDictionary<string, int> { ["u0-t1"] = 2 };
        var quarantine = new MemoryQuarantine();
        var store = new MemoryVectorStore();
        await Run(store, failures, quarantine);

        var second = await Run(store, failures, quarantine);

        Assert.Equal((PipelineOutcome.Completed, 1, 1L, 0), (second.Result.Outcome, second.Result.RetryPending, second.Result.RecordsRejected, second.Result.Commits));
        Assert.Equal([TileScenario.At(0, 1)], second.Tag.Retry);
        var entry = Assert.Single(quarantine.Chunks);
        Assert.Contains("1 failure(s) to go", Assert.Single(entry.Value).Reason, StringComparison.Ordinal);

        var third = await Run(store, failures, quarantine);

        Assert.Equal((PipelineOutcome.Completed, 0, 0L), (third.Result.Outcome, third.Result.RetryPending, third.Result.RecordsRejected));
        AssertAllRowsOnce(third.Rows);
        Assert.Empty(third.Tag.Retry);
    }

    [Fact]
    public async Task Records_to_retry_travel_with_each_commit_and_a_resumed_run_retries_them_before_going_on()
    {
        var failures = new ConcurrentDictionary<string, int> { ["u0-t1"] = 1, ["u1-t0"] = 2 };
        var quarantine = new MemoryQuarantine();
        var store = new MemoryVectorStore { LeaveFilesOnDispose = true };
        store.CommitFailure.At = 2;
        var crashed = new TileScenario(new TileSource(Units), store) { ChunkSize = 1, CheckpointRecords = 2, Model = new TileModel { Failures = failures }, Quarantine = quarantine };
        await Assert.ThrowsAsync<InjectedFailure>(() => crashed.RunAsync());
        var committed = crashed.Output.Latest.Tag!;
        Assert.Equal((TileScenario.At(0, 2), 2L), (committed.Position, committed.RecordsRead));
        Assert.Equal([TileScenario.At(0, 1)], committed.Retry);

        store.CommitFailure.At = 0;
        var resumed = new TileScenario(new TileSource(Units), store) { ChunkSize = 1, CheckpointRecords = 2, Model = new TileModel { Failures = failures }, Quarantine = quarantine };
        var result = await resumed.RunAsync();

        // The pending record alone first, then on from the position.
        Assert.Equal([("tiles-0", 1L, 1), ("tiles-0", 2L, 1), ("tiles-1", 0L, 1)], resumed.Source.Reads);
        Assert.Equal(PipelineOutcome.Completed, result.Outcome);
        Assert.Empty(store.UncommittedFiles);
        foreach (var tag in resumed.Output.Versions.Select(v => v.Tag).OfType<Stores.CommitTag>())
        {
            Assert.All(tag.Retry, r => Assert.True(tag.Position.IsDone || r.UnitKey != tag.Position.UnitKey || r.Offset < tag.Position.Offset, $"{r} is not before {tag.Position}"));
        }

        // u1-t0 fails until its failures are spent (the crashed run may have prepared it already); then every row is there once.
        for (var run = 0; run < 3 && result.RetryPending > 0; run++)
        {
            Assert.Equal([TileScenario.At(1, 0)], resumed.Output.Latest.Tag!.Retry);
            result = await new TileScenario(new TileSource(Units), store) { ChunkSize = 1, Model = new TileModel { Failures = failures }, Quarantine = quarantine }.RunAsync();
        }

        Assert.Equal((0, 0L), (result.RetryPending, result.RecordsRejected));
        AssertAllRowsOnce(store[TileScenario.Table].Latest.Rows);
        Assert.Equal(5L, store[TileScenario.Table].Latest.Tag!.RecordsRead);
    }

    [Fact]
    public async Task A_crash_between_the_quarantine_and_the_commit_leaves_one_entry_and_every_row_once()
    {
        var failures = new ConcurrentDictionary<string, int> { ["u0-t1"] = 2 };
        var quarantine = new MemoryQuarantine();
        var store = new MemoryVectorStore { LeaveFilesOnDispose = true };
        store.CommitFailure.At = 1;
        await Assert.ThrowsAsync<InjectedFailure>(() => Run(store, failures, quarantine));
        Assert.Single(quarantine.Chunks);
        Assert.Null(store[TileScenario.Table].Latest.Tag);

        store.CommitFailure.At = 0;
        var again = await Run(store, failures, quarantine);
        Assert.Equal((false, 1), (again.Result.Resumed, again.Result.RetryPending));
        Assert.Single(quarantine.Chunks);

        var retried = await Run(store, failures, quarantine);
        Assert.Equal(0, retried.Result.RetryPending);
        AssertAllRowsOnce(retried.Rows);
        Assert.Empty(store.UncommittedFiles);
    }

    [Fact]
    public async Task A_crash_after_a_retried_record_is_written_but_before_it_is_committed_retries_it_once_more()
    {
        var failures = new ConcurrentDictionary<string, int> { ["u0-t1"] = 1 };
        var quarantine = new MemoryQuarantine();
        var store = new MemoryVectorStore { LeaveFilesOnDispose = true };
        await Run(store, failures, quarantine);

        store.CommitFailure.At = store.CommitFailure.Calls + 1;
        await Assert.ThrowsAsync<InjectedFailure>(() => Run(store, failures, quarantine));
        Assert.Equal([TileScenario.At(0, 1)], store[TileScenario.Table].Latest.Tag!.Retry);

        var resumed = await Run(store, failures, quarantine);

        Assert.Equal((PipelineOutcome.Completed, 0, 2L), (resumed.Result.Outcome, resumed.Result.RetryPending, resumed.Result.RowsWritten));
        AssertAllRowsOnce(resumed.Rows);
        Assert.Empty(store.UncommittedFiles);
    }

    [Fact]
    public async Task Without_the_option_a_quarantined_record_is_done()
    {
        var failures = new ConcurrentDictionary<string, int> { ["u0-t1"] = 1 };
        var quarantine = new MemoryQuarantine();
        var store = new MemoryVectorStore();
        var scenario = new TileScenario(new TileSource(Units), store) { RetryQuarantined = false, Model = new TileModel { Failures = failures }, Quarantine = quarantine };

        var result = await scenario.RunAsync();

        Assert.Equal((0, 1L), (result.RetryPending, result.RecordsRejected));
        Assert.Empty(scenario.Output.Latest.Tag!.Retry);
        Assert.Equal(("tiles-0", 0L), (Assert.Single(quarantine.Chunks).Key.Unit, Assert.Single(quarantine.Chunks).Key.Offset));
        var again = await new TileScenario(new TileSource(Units), store) { RetryQuarantined = false, Model = new TileModel { Failures = failures }, Quarantine = quarantine }.RunAsync();
        Assert.Equal(PipelineOutcome.AlreadyComplete, again.Outcome);
    }

    private static async Task<(PipelineResult Result, TileScenario Scenario, Stores.CommitTag Tag, IReadOnlyList<StoredRow> Rows)> Run(
        MemoryVectorStore store, ConcurrentDictionary<string, int> failures, MemoryQuarantine quarantine)
    {
        var scenario = new TileScenario(new TileSource(Units), store) { Model = new TileModel { Failures = failures }, Quarantine = quarantine };
        var result = await scenario.RunAsync();
        var latest = scenario.Output.Latest;
        return (result, scenario, latest.Tag!, latest.Rows);
    }

    private static void AssertAllRowsOnce(IReadOnlyList<StoredRow> rows)
    {
        var expected = TileScenario.ExpectedRows(Units).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        var actual = rows.OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Select(r => r.Id), actual.Select(r => r.Id));
        Assert.Equal(expected.Select(r => r.Label), actual.Select(r => (long)r.Columns[0]!));
        Assert.Equal(expected.Select(r => RowAssert.Bits(r.Vector)), actual.Select(r => RowAssert.Bits(r.Vector)));
    }
}
