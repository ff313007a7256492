using Connectomics.Pipelines.Tests.Doubles;

namespace Connectomics.Pipelines.Tests.Engine;

public sealed class CancellationTests
{
    private static readonly int[] Sizes = [14, 9, 12];

    [Fact]
    public async Task Cancelling_commits_the_chunks_already_read_and_a_later_run_completes()
    {
        var reference = new Scenario(new MemoryChunkSource(Reads.Units(Sizes), Reads.Columns));
        await reference.RunAsync();

        var store = new MemoryVectorStore();
        using var cancellation = new CancellationTokenSource();
        var source = new MemoryChunkSource(Reads.Units(Sizes), Reads.Columns);
        source.OnChunk = n =>
        {
            if (n == 3)
            {
                cancellation.Cancel();
            }
        };
        var cancelled = new Scenario(source, store) { CheckpointRows = 1_000, QueueCapacity = 4 };

        var result = await cancelled.RunAsync(cancellationToken: cancellation.Token);

        Assert.Equal(PipelineOutcome.Cancelled, result.Outcome);

        // The first two chunks were handed on before the third was read: they are committed, with the position
        // after the last chunk written, and the rows are the uninterrupted run's first ones.
        var rows = store[Scenario.Table].Latest.Rows;
        Assert.InRange(rows.Count, 8, 12);
        Assert.Equal(rows.Count, result.RowsCommitted);
        RowAssert.Identical(reference.Output.Latest.Rows.Take(rows.Count).ToList(), rows);
        Assert.Equal($"{rows.Count}@unit-00.txt", store[Scenario.Table].Latest.Tag!.Position.ToString());
        Assert.True(source.ChunksYielded < 9);

        var resumed = await new Scenario(new MemoryChunkSource(Reads.Units(Sizes), Reads.Columns), store).RunAsync();

        Assert.Equal(PipelineOutcome.Completed, resumed.Outcome);
        RowAssert.Identical(reference.Output.Latest.Rows, store[Scenario.Table].Latest.Rows);
    }

    [Fact]
    public async Task Cancelled_before_starting_writes_nothing()
    {
        var store = new MemoryVectorStore();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var result = await new Scenario(new MemoryChunkSource(Reads.Units(Sizes), Reads.Columns), store).RunAsync(cancellationToken: cancellation.Token);

        Assert.Equal(PipelineOutcome.Cancelled, result.Outcome);
        Assert.Equal(0, store.RowsWritten);
    }
}
