using Connectomics.Pipelines.Tests.Doubles;

namespace Connectomics.Pipelines.Tests.Engine;

public sealed class AlreadyCompleteTests
{
    [Fact]
    public async Task A_finished_shard_run_again_writes_nothing_and_says_so()
    {
        var store = new MemoryVectorStore();
        var first = await new Scenario(new MemoryChunkSource(Reads.Units(6, 5), Reads.Columns), store).RunAsync();
        var versions = store[Scenario.Table].Versions.Count;
        var writes = store.RowsWritten;

        var again = new Scenario(new MemoryChunkSource(Reads.Units(6, 5), Reads.Columns), store);
        var result = await again.RunAsync();

        Assert.Equal(PipelineOutcome.AlreadyComplete, result.Outcome);
        Assert.True(result.Resumed);
        Assert.Equal(0, result.RowsWritten);
        Assert.Equal(11, result.RowsCommitted);
        Assert.Equal(first.StoreVersion, result.StoreVersion);
        Assert.Equal(versions, store[Scenario.Table].Versions.Count);
        Assert.Equal(writes, store.RowsWritten);
        Assert.Empty(again.Model.Calls);
        Assert.Contains(again.LogEntries, e => e.EventId.Id == 6 && e.Message.Contains("already complete", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_shard_with_no_units_commits_that_it_is_done()
    {
        var store = new MemoryVectorStore();
        var units = Reads.Units(5);
        var empty = new Scenario(new MemoryChunkSource(units, Reads.Columns), store) { Shard = new Connectomics.Chunks.ShardAssignment(1, 2) };

        var result = await empty.RunAsync();
        var again = await new Scenario(new MemoryChunkSource(units, Reads.Columns), store) { Shard = new Connectomics.Chunks.ShardAssignment(1, 2) }.RunAsync();

        Assert.Equal(PipelineOutcome.Completed, result.Outcome);
        Assert.Equal(1, result.Commits);
        Assert.Equal(PipelineOutcome.AlreadyComplete, again.Outcome);
    }
}
