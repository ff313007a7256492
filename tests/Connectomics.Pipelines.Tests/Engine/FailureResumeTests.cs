using Connectomics.Pipelines.Tests.Doubles;

namespace Connectomics.Pipelines.Tests.Engine;

public sealed class FailureResumeTests
{
    private static readonly int[] Sizes = [11, 3, 17, 6];

    public static TheoryData<string, int> Points => new()
    {
        { "source read", 1 },
        { "source read", 5 },
        { "prepare", 1 },
        { "prepare", 23 },
        { "encode", 1 },
        { "encode", 6 },
        { "write", 1 },
        { "write", 5 },
        { "before commit", 1 },
        { "before commit", 3 },
        { "inside commit after publish", 1 },
        { "inside commit after publish", 3 },
    };

    [Theory]
    [MemberData(nameof(Points))]
    public async Task A_failure_anywhere_then_a_resume_gives_exactly_the_rows_of_an_uninterrupted_run(string point, int at)
    {
        var reference = new Scenario(new MemoryChunkSource(Reads.Units(Sizes), Reads.Columns));
        await reference.RunAsync();

        var store = new MemoryVectorStore { LeaveFilesOnDispose = true };
        var failing = new Scenario(new MemoryChunkSource(Reads.Units(Sizes), Reads.Columns), store);
        var failure = point switch
        {
            "source read" => failing.Source.ReadFailure,
            "prepare" => failing.Model.PrepareFailure,
            "encode" => failing.Model.EncodeFailure,
            "write" => store.WriteFailure,
            "before commit" => store.CommitFailure,
            _ => store.AfterPublishFailure,
        };
        failure.At = at;

        // The original exception, not an aggregate.
        var thrown = await Assert.ThrowsAsync<InjectedFailure>(() => failing.RunAsync());
        Assert.Equal(point, thrown.Point);
        RowAssert.NoDuplicates(failing.Output.Latest.Rows);
        var committedBefore = failing.Output.Latest.Tag is not null;

        var resumed = new Scenario(new MemoryChunkSource(Reads.Units(Sizes), Reads.Columns), store);
        var result = await resumed.RunAsync();

        Assert.Equal(PipelineOutcome.Completed, result.Outcome);
        Assert.Equal(committedBefore, result.Resumed);
        RowAssert.Identical(reference.Output.Latest.Rows, resumed.Output.Latest.Rows);
        Assert.Equal(37, result.RowsCommitted);
        Assert.Equal(37, resumed.Output.Latest.Tag!.RecordsRead);
        Assert.Empty(store.UncommittedFiles);
    }

    [Fact]
    public async Task A_resume_removes_the_files_a_dead_process_left()
    {
        var store = new MemoryVectorStore { LeaveFilesOnDispose = true };
        var failing = new Scenario(new MemoryChunkSource(Reads.Units(Sizes), Reads.Columns), store) { CheckpointRows = 1_000 };
        store.CommitFailure.At = 1;
        await Assert.ThrowsAsync<InjectedFailure>(() => failing.RunAsync());
        Assert.NotEmpty(store.UncommittedFiles);

        var resumed = new Scenario(new MemoryChunkSource(Reads.Units(Sizes), Reads.Columns), store);
        await resumed.RunAsync();

        Assert.Empty(store.UncommittedFiles);
        Assert.Contains(resumed.LogEntries, e => e.EventId.Id == 7 && e.Message.Contains("removed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_restart_replaces_the_contents_and_runs_from_the_start()
    {
        var store = new MemoryVectorStore();
        var first = new Scenario(new MemoryChunkSource(Reads.Units(Sizes), Reads.Columns), store);
        first.Model.EncodeFailure.At = 4;
        await Assert.ThrowsAsync<InjectedFailure>(() => first.RunAsync());

        var restart = new Scenario(new MemoryChunkSource(Reads.Units(Sizes), Reads.Columns), store) { Restart = true };
        var result = await restart.RunAsync();

        Assert.False(result.Resumed);
        Assert.Equal(37, result.RowsWritten);
        Assert.True(store[Scenario.Table].Versions.Last(v => v.Replaced).Tag!.Position.Equals(Connectomics.Chunks.WorkPosition.Within("unit-00.txt", 0)));
        Assert.Equal(37, store[Scenario.Table].Latest.Rows.Count);
        RowAssert.NoDuplicates(store[Scenario.Table].Latest.Rows);
    }
}
