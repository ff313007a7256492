using Connectomics.Pipelines.Tests.Doubles;
using Connectomics.Pipelines.Tests.Doubles.Tiles;

namespace Connectomics.Pipelines.Tests.Engine;

public sealed class UniqueIdsTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_resume_reads_the_done_input_again_only_when_ids_are_not_promised_unique(bool unique)
    {
        var units = TileScenario.Units([1, 2, 1], [2, 1, 1]);
        var store = new MemoryVectorStore();
        var first = new TileScenario(new TileSource(units, unique), store) { ChunkSize = 1, CheckpointRecords = 2 };
        store.CommitFailure.At = 2;
        await Assert.ThrowsAsync<InjectedFailure>(() => first.RunAsync());
        var position = first.Output.Latest.Tag!.Position;
        Assert.Equal(TileScenario.At(0, 2), position);

        var resumed = new TileScenario(new TileSource(units, unique), store) { ChunkSize = 1 };
        var result = await resumed.RunAsync();

        Assert.Equal(PipelineOutcome.Completed, result.Outcome);
        Assert.Equal(TileScenario.ExpectedRows(units).Select(r => r.Id), resumed.Output.Latest.Rows.Select(r => r.Id));
        if (unique)
        {
            // Only from the position on: nothing before it is read again.
            Assert.Equal([("tiles-0", 2L, 1), ("tiles-1", 0L, 1)], resumed.Source.Reads);
            Assert.Equal(["u0-t2", "u1-t0", "u1-t1", "u1-t2"], resumed.Source.Yielded);
            Assert.DoesNotContain(resumed.Logs.Logger.Entries, e => e.EventId.Id == 8);
        }
        else
        {
            Assert.Equal(("tiles-0", 0L, 1), resumed.Source.Reads.First());
            Assert.Equal(["u0-t0", "u0-t1", "u0-t2", "u1-t0", "u1-t1", "u1-t2"], resumed.Source.Yielded);
            Assert.Contains(resumed.Logs.Logger.Entries, e => e.EventId.Id == 8);
        }
    }

    [Fact]
    public async Task Ids_promised_unique_are_not_checked_for_repeats()
    {
        Tile[] unit = [new("a", 1, 0), new("a", 1, 1)];
        var scenario = new TileScenario(new TileSource([unit], uniqueIds: true));

        var result = await scenario.RunAsync();

        Assert.Equal(0, result.RecordsRejected);
        Assert.Equal(["a/0", "a/0"], scenario.Output.Latest.Rows.Select(r => r.Id));
    }
}
