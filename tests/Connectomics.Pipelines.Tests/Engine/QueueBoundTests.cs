using Connectomics.Pipelines.Tests.Doubles;

namespace Connectomics.Pipelines.Tests.Engine;

public sealed class QueueBoundTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 3, 2)]
    [InlineData(3, 2, 4)]
    public async Task Chunks_in_flight_never_exceed_the_queues_and_workers(int capacity, int prepareWorkers, int encodeWorkers)
    {
        // Every chunk has good rows, so each chunk written is one write to the store.
        var store = new MemoryVectorStore();
        var source = new MemoryChunkSource(Reads.Units(40, 37, 45), Reads.Columns);
        var scenario = new Scenario(source, store) { ChunkSize = 3, QueueCapacity = capacity, PrepareWorkers = prepareWorkers, EncodeWorkers = encodeWorkers };
        var bound = (3 * capacity) + prepareWorkers + encodeWorkers + 1;
        var most = 0;
        source.OnChunk = n => most = Math.Max(most, n - store.WriteFailure.Calls);

        // The first call into the model waits until the reader has gone as far as it can, so the queues fill up
        // behind it: with one encode worker the channels stop the reader (two queues, the prepare workers, the
        // stuck chunk and the one in hand); with more, the others' chunks pile up for the write stage until the
        // bound on chunks in flight stops it.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = 0;
        scenario.Model.BeforeEncode = () => Interlocked.Exchange(ref first, 1) == 0 ? gate.Task : Task.CompletedTask;
        var release = source.OnChunk;
        source.OnChunk = n =>
        {
            release(n);
            if (n == (encodeWorkers == 1 ? (2 * capacity) + prepareWorkers + 2 : bound))
            {
                gate.TrySetResult();
            }
        };
        var depths = new List<PipelineProgress>();

        await scenario.RunAsync(new SynchronousProgress(depths));

        Assert.InRange(most, 1, bound);
        Assert.All(depths, p => Assert.All(p.QueueDepths.Where(d => d.Key != "write"), d => Assert.InRange(d.Value, 0, capacity)));
        Assert.Equal(122, store[Scenario.Table].Latest.Rows.Count);
    }
}
