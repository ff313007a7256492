using Connectomics.Volumes.Reading;

namespace Connectomics.Volumes.Tests.Reading;

public sealed class ChunkCacheTests
{
    private const int Overhead = ChunkCache.EntryOverheadBytes;
    private static readonly object ArrayA = new();
    private static readonly object ArrayB = new();

    [Fact]
    public async Task Concurrent_requests_for_one_chunk_share_one_load()
    {
        var cache = new ChunkCache(1 << 20);
        var gate = new TaskCompletionSource();
        var loads = 0;
        async ValueTask<byte[]?> Load(CancellationToken token)
        {
            Interlocked.Increment(ref loads);
            await gate.Task.WaitAsync(token);
            return [1, 2, 3];
        }

        var requests = Enumerable.Range(0, 32).Select(_ => Task.Run(() => cache.GetOrLoadAsync(ArrayA, new long[] { 1, 2, 3 }, Load).AsTask())).ToArray();
        await Task.Delay(50);
        gate.SetResult();
        var results = await Task.WhenAll(requests);

        Assert.Equal(1, loads);
        Assert.All(results, r => Assert.Same(results[0], r));
        Assert.Equal(1, cache.Misses);
        Assert.Equal(31, cache.Hits);
        Assert.Equal(3 + Overhead, cache.SizeBytes);
    }

    [Fact]
    public async Task A_failed_load_reaches_every_waiter_and_is_not_kept()
    {
        var cache = new ChunkCache(1 << 20);
        var gate = new TaskCompletionSource();
        var loads = 0;
        async ValueTask<byte[]?> Fail(CancellationToken token)
        {
            Interlocked.Increment(ref loads);
            await gate.Task;
            throw new IOException("store down");
        }

        var requests = Enumerable.Range(0, 4).Select(_ => cache.GetOrLoadAsync(ArrayA, new long[] { 0 }, Fail).AsTask()).ToArray();
        gate.SetResult();
        foreach (var request in requests)
        {
            await Assert.ThrowsAsync<IOException>(() => request);
        }

        Assert.Equal(1, loads);
        Assert.Equal(0, cache.Count);
        var data = await cache.GetOrLoadAsync(ArrayA, new long[] { 0 }, _ => ValueTask.FromResult<byte[]?>([9]));
        Assert.Equal(new byte[] { 9 }, data);
    }

    [Fact]
    public async Task When_the_request_that_loads_is_cancelled_the_others_load_again()
    {
        var cache = new ChunkCache(1 << 20);
        var first = new TaskCompletionSource();
        using var cancel = new CancellationTokenSource();
        var loads = 0;
        async ValueTask<byte[]?> Load(CancellationToken token)
        {
            if (Interlocked.Increment(ref loads) == 1)
            {
                await first.Task.WaitAsync(token);
            }

            return [7];
        }

        var cancelled = cache.GetOrLoadAsync(ArrayA, new long[] { 4 }, Load, cancel.Token).AsTask();
        var other = cache.GetOrLoadAsync(ArrayA, new long[] { 4 }, Load).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(new byte[] { 7 }, await other);
        Assert.Equal(2, loads);
    }

    [Fact]
    public async Task The_least_recently_used_chunk_is_evicted_first()
    {
        var cache = new ChunkCache(3 * (10 + Overhead));
        var loads = new List<long>();
        ValueTask<byte[]?> Load(long id)
        {
            loads.Add(id);
            return ValueTask.FromResult<byte[]?>(new byte[10]);
        }

        foreach (var id in new long[] { 1, 2, 3, 1, 4, 2, 1, 3 })
        {
            await cache.GetOrLoadAsync(ArrayA, new[] { id }, _ => Load(id));
        }

        // 1 2 3 load; 1 hits (order 2 3 1); 4 evicts 2 (3 1 4); 2 evicts 3 (1 4 2); 1 hits (4 2 1); 3 evicts 4.
        Assert.Equal(new long[] { 1, 2, 3, 4, 2, 3 }, loads);
        Assert.Equal(3, cache.Evictions);
        Assert.Equal(2, cache.Hits);
        Assert.Equal(3, cache.Count);
        Assert.Equal(3 * (10 + Overhead), cache.SizeBytes);
    }

    [Fact]
    public async Task A_chunk_larger_than_the_limit_is_returned_but_not_kept()
    {
        var cache = new ChunkCache(100);
        await cache.GetOrLoadAsync(ArrayA, new long[] { 1 }, _ => ValueTask.FromResult<byte[]?>(new byte[10]));

        var big = await cache.GetOrLoadAsync(ArrayA, new long[] { 2 }, _ => ValueTask.FromResult<byte[]?>(new byte[200]));

        Assert.Equal(200, big!.Length);
        Assert.Equal(1, cache.Count);
        Assert.Equal(0, cache.Evictions);
    }

    [Fact]
    public async Task A_cache_of_zero_bytes_keeps_nothing()
    {
        var cache = new ChunkCache(0);
        var loads = 0;
        for (var i = 0; i < 3; i++)
        {
            var data = await cache.GetOrLoadAsync(ArrayA, new long[] { 1 }, _ =>
            {
                loads++;
                return ValueTask.FromResult<byte[]?>([5]);
            });
            Assert.Equal(new byte[] { 5 }, data);
        }

        Assert.Equal(3, loads);
        Assert.Equal(0, cache.PeakSizeBytes);
    }

    [Fact]
    public async Task Chunks_not_stored_are_kept_as_entries_too()
    {
        var cache = new ChunkCache(1 << 10);
        var loads = 0;
        for (var i = 0; i < 2; i++)
        {
            Assert.Null(await cache.GetOrLoadAsync(ArrayA, new long[] { 3 }, _ =>
            {
                loads++;
                return ValueTask.FromResult<byte[]?>(null);
            }));
        }

        Assert.Equal(1, loads);
        Assert.Equal(Overhead, cache.SizeBytes);
    }

    [Fact]
    public async Task Arrays_are_told_apart_by_identity()
    {
        var cache = new ChunkCache(1 << 10);
        var a = await cache.GetOrLoadAsync(ArrayA, new long[] { 0, 0 }, _ => ValueTask.FromResult<byte[]?>([1]));
        var b = await cache.GetOrLoadAsync(ArrayB, new long[] { 0, 0 }, _ => ValueTask.FromResult<byte[]?>([2]));

        Assert.Equal(1, a![0]);
        Assert.Equal(2, b![0]);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public async Task Under_concurrent_load_the_cache_never_exceeds_its_limit()
    {
        const long limit = 5000;
        var cache = new ChunkCache(limit);
        var observedAbove = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 4000), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, token) =>
        {
            var id = (i * 7919) % 97;
            var data = await cache.GetOrLoadAsync(ArrayA, new long[] { id }, async t =>
            {
                await Task.Yield();
                return new byte[(id % 13) * 100]; // 0 to 1200 bytes
            }, token);
            Assert.Equal((id % 13) * 100, data!.Length);
            if (cache.SizeBytes > limit)
            {
                Interlocked.Increment(ref observedAbove);
            }
        });

        Assert.Equal(0, observedAbove);
        Assert.True(cache.PeakSizeBytes <= limit, $"peak {cache.PeakSizeBytes} above {limit}");
        Assert.True(cache.PeakSizeBytes > limit / 2, "the workload should fill the cache");
        Assert.True(cache.Evictions > 0);
        Assert.Equal(4000, cache.Hits + cache.Misses);
    }

    [Fact]
    public async Task Cache_metrics_count_hits_misses_evictions_and_size()
    {
        using var metrics = new MetricRecorder();
        var cache = new ChunkCache(2 * (4 + Overhead), metrics);
        foreach (var id in new long[] { 1, 2, 1, 3 })
        {
            await cache.GetOrLoadAsync(ArrayA, new[] { id }, _ => ValueTask.FromResult<byte[]?>(new byte[4]));
        }

        Assert.Equal(1, metrics.Sum("connectomics.volume.cache.hits"));
        Assert.Equal(3, metrics.Sum("connectomics.volume.cache.misses"));
        Assert.Equal(1, metrics.Sum("connectomics.volume.cache.evictions"));
        Assert.Equal(cache.SizeBytes, metrics.Sum("connectomics.volume.cache.size"));
        cache.Clear();
        Assert.Equal(0, metrics.Sum("connectomics.volume.cache.size"));
    }

    [Fact]
    public void The_default_limit_is_an_eighth_of_the_available_memory()
    {
        Assert.Equal(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8, new ChunkCache().MaxBytes);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChunkCache(-1));
    }
}
