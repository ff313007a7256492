using Connectomics.Chunks;
using Connectomics.Pipelines.Tests.Doubles;

namespace Connectomics.Pipelines.Tests.Engine;

public sealed class ShardTests
{
    [Fact]
    public async Task Three_shards_running_at_once_write_every_row_exactly_once()
    {
        var units = Reads.Units(9, 4, 13, 1, 7, 10, 2);
        var store = new MemoryVectorStore();
        var shards = Enumerable.Range(0, 3)
            .Select(i => new Scenario(new MemoryChunkSource(units, Reads.Columns), store) { Shard = new ShardAssignment(i, 3) })
            .ToList();

        var results = await Task.WhenAll(shards.Select(s => Task.Run(() => s.RunAsync())));

        Assert.All(results, r => Assert.Equal(PipelineOutcome.Completed, r.Outcome));
        var rows = store[Scenario.Table].Latest.Rows;
        Assert.Equal(units.SelectMany(u => u).Select(r => r.Id).Order(StringComparer.Ordinal), rows.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal(46, results.Sum(r => r.RowsWritten));

        // Largest first, each to the lightest shard so far: 13→0, 10→1, 9→2, 7→2 (loads 13, 10, 9),
        // 4→1 (13, 10, 16), 2→0 (13, 14, 16), 1→1 (15, 14, 16).
        Assert.Equal([13 + 2, 10 + 4 + 1, 9 + 7], results.Select(r => r.RowsWritten));
    }

    [Fact]
    public async Task Each_shard_resumes_on_its_own()
    {
        var units = Reads.Units(9, 4, 13, 1, 7, 10, 2);
        var store = new MemoryVectorStore();
        var failing = new Scenario(new MemoryChunkSource(units, Reads.Columns), store) { Shard = new ShardAssignment(1, 2) };
        failing.Model.EncodeFailure.At = 3;
        var other = new Scenario(new MemoryChunkSource(units, Reads.Columns), store) { Shard = new ShardAssignment(0, 2) };

        await Assert.ThrowsAsync<InjectedFailure>(() => failing.RunAsync());
        await other.RunAsync();
        var resumed = await new Scenario(new MemoryChunkSource(units, Reads.Columns), store) { Shard = new ShardAssignment(1, 2) }.RunAsync();
        var again = await new Scenario(new MemoryChunkSource(units, Reads.Columns), store) { Shard = new ShardAssignment(0, 2) }.RunAsync();

        Assert.Equal(PipelineOutcome.Completed, resumed.Outcome);
        Assert.Equal(PipelineOutcome.AlreadyComplete, again.Outcome);
        var rows = store[Scenario.Table].Latest.Rows;
        RowAssert.NoDuplicates(rows);
        Assert.Equal(46, rows.Count);
    }
}
