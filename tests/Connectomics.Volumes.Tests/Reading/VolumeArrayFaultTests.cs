using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Reading;
using Microsoft.Extensions.Time.Testing;

namespace Connectomics.Volumes.Tests.Reading;

public sealed class VolumeArrayFaultTests
{
    private static readonly long[] Shape = [16, 16, 16];

    [Fact]
    public async Task A_store_failing_five_percent_of_reads_gives_identical_output_and_counts_the_retries()
    {
        var values = VolumeTestData.UInt16(Shape, seed: 11);
        var clean = VolumeTestData.Array(values, Shape, [2, 2, 2], VoxelType.UInt16);
        var flaky = VolumeTestData.Array(values, Shape, [2, 2, 2], VoxelType.UInt16, failureRate: 0.05, seed: 2024);
        using var metrics = new MetricRecorder();
        var time = new FakeTimeProvider();
        var options = new VolumeReadOptions { ReadConcurrency = 8, Retries = 3, RetryBaseDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(8) };
        var box = new Box3((-3, -3, -3), (19, 19, 19));

        var expected = await new VolumeArray(clean, new ChunkCache(0), options).ReadAsync<ushort>(box, Boundary.Reflect);
        var read = new VolumeArray(flaky, new ChunkCache(0, metrics), options, time, meterFactory: metrics).ReadAsync<ushort>(box, Boundary.Reflect).AsTask();
        await PumpUntilDone(read, time);
        var region = await read;

        Assert.Equal(expected.Data.ToArray(), region.Data.ToArray());
        Assert.True(flaky.InjectedFailures >= 10, $"only {flaky.InjectedFailures} failures were injected over {flaky.Reads} reads");
        Assert.Equal(flaky.InjectedFailures, metrics.Sum("connectomics.volume.io.retries"));
        Assert.Equal(flaky.Reads - flaky.InjectedFailures, metrics.Count("connectomics.volume.chunks.read"));
    }

    [Fact]
    public async Task Retries_wait_on_the_time_provider_with_growing_back_off()
    {
        var array = VolumeTestData.Array(new byte[8], [2, 2, 2], [2, 2, 2], VoxelType.UInt8);
        array.AlwaysFail = () => new TimeoutException("slow store");
        var time = new CountingTimeProvider();
        var options = new VolumeReadOptions { Retries = 3, RetryBaseDelay = TimeSpan.FromSeconds(10), RetryMaxDelay = TimeSpan.FromSeconds(100) };
        var volume = new VolumeArray(array, new ChunkCache(0), options, time);

        var read = volume.ReadAsync<byte>(Box3.FromShape((2, 2, 2))).AsTask();
        await time.WaitForTimers(1);
        time.Advance(TimeSpan.FromSeconds(4.9)); // the first wait is 5 to 10 s
        await Task.Delay(20);
        Assert.Equal(1, array.Reads);
        time.Advance(TimeSpan.FromSeconds(5.2));
        await time.WaitForTimers(2);
        Assert.Equal(2, array.Reads);
        time.Advance(TimeSpan.FromSeconds(9.9)); // the second is 10 to 20 s
        await Task.Delay(20);
        Assert.Equal(2, array.Reads);
        array.AlwaysFail = null;
        time.Advance(TimeSpan.FromSeconds(10.2));
        await read;
        Assert.Equal(3, array.Reads);
    }

    [Fact]
    public async Task A_read_failing_every_try_names_the_chunk_and_the_tries()
    {
        var array = VolumeTestData.Array(new byte[8], [2, 2, 2], [2, 2, 2], VoxelType.UInt8);
        array.AlwaysFail = () => new IOException("connection reset by peer");
        var time = new FakeTimeProvider();
        var volume = new VolumeArray(array, new ChunkCache(0), new VolumeReadOptions { Retries = 2 }, time);

        var read = volume.ReadAsync<byte>(Box3.FromShape((2, 2, 2))).AsTask();
        await PumpUntilDone(read, time);
        var error = await Assert.ThrowsAsync<IOException>(() => read);

        Assert.Equal(3, array.Reads);
        Assert.Contains("c/0/0/0", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 time(s)", error.Message, StringComparison.Ordinal);
        Assert.Contains("connection reset by peer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupt_chunk_is_not_retried_and_names_its_key()
    {
        var array = VolumeTestData.Array(new byte[64], [4, 4, 4], [2, 2, 2], VoxelType.UInt8);
        array.Corrupt.Add("c/1/0/1");
        var volume = new VolumeArray(array, new ChunkCache(1 << 20), new VolumeReadOptions { Retries = 3 }, new FakeTimeProvider());

        var error = await Assert.ThrowsAsync<VolumeDataException>(async () => await volume.ReadAsync<byte>(Box3.FromShape((4, 4, 4))));

        Assert.Equal("c/1/0/1", error.ChunkKey);
        Assert.Equal(1, array.ReadsByKey["c/1/0/1"]);
    }

    [Fact]
    public async Task A_codec_failure_becomes_a_data_error_naming_the_key_and_is_not_retried()
    {
        var array = VolumeTestData.Array(new byte[64], [4, 4, 4], [2, 2, 2], VoxelType.UInt8);
        array.Undecodable.Add("c/0/1/0");
        var volume = new VolumeArray(array, new ChunkCache(0), new VolumeReadOptions { Retries = 3 }, new FakeTimeProvider());

        var error = await Assert.ThrowsAsync<VolumeDataException>(async () => await volume.ReadAsync<byte>(Box3.FromShape((4, 4, 4))));

        Assert.Equal("c/0/1/0", error.ChunkKey);
        Assert.IsType<InvalidDataException>(error.InnerException);
        Assert.Equal(1, array.ReadsByKey["c/0/1/0"]);
    }

    [Fact]
    public async Task A_chunk_of_the_wrong_decoded_length_is_a_data_error()
    {
        var array = VolumeTestData.Array(new ushort[64], [4, 4, 4], [2, 2, 2], VoxelType.UInt16);
        array.Truncated.Add("c/1/1/1");
        var volume = new VolumeArray(array, new ChunkCache(0));

        var error = await Assert.ThrowsAsync<VolumeDataException>(async () => await volume.ReadAsync<ushort>(Box3.FromShape((4, 4, 4))));

        Assert.Equal("c/1/1/1", error.ChunkKey);
        Assert.Contains("15 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains(array.Info.Location, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_found_is_not_transient()
    {
        var array = VolumeTestData.Array(new byte[8], [2, 2, 2], [2, 2, 2], VoxelType.UInt8);
        array.AlwaysFail = () => new FileNotFoundException("gone", "/data/c/0/0/0");
        var volume = new VolumeArray(array, new ChunkCache(0), new VolumeReadOptions { Retries = 3 }, new FakeTimeProvider());

        await Assert.ThrowsAsync<FileNotFoundException>(async () => await volume.ReadAsync<byte>(Box3.FromShape((2, 2, 2))));
        Assert.Equal(1, array.Reads);
    }

    [Fact]
    public void Transient_failures_are_told_apart()
    {
        Assert.True(TransientFailure.IsTransient(new IOException("reset"), default));
        Assert.True(TransientFailure.IsTransient(new EndOfStreamException(), default));
        Assert.True(TransientFailure.IsTransient(new TimeoutException(), default));
        Assert.True(TransientFailure.IsTransient(new HttpRequestException("503", null, System.Net.HttpStatusCode.ServiceUnavailable), default));
        Assert.True(TransientFailure.IsTransient(new HttpRequestException("429", null, System.Net.HttpStatusCode.TooManyRequests), default));
        Assert.True(TransientFailure.IsTransient(new HttpRequestException("no route"), default));
        Assert.True(TransientFailure.IsTransient(new TaskCanceledException("timed out", new TimeoutException()), default));
        Assert.False(TransientFailure.IsTransient(new HttpRequestException("403", null, System.Net.HttpStatusCode.Forbidden), default));
        Assert.False(TransientFailure.IsTransient(new FileNotFoundException(), default));
        Assert.False(TransientFailure.IsTransient(new DirectoryNotFoundException(), default));
        Assert.False(TransientFailure.IsTransient(new InvalidDataException(), default));
        Assert.False(TransientFailure.IsTransient(new VolumeDataException("a", "k", "bad"), default));
        Assert.False(TransientFailure.IsTransient(new OperationCanceledException(), default));
        using var canceled = new CancellationTokenSource();
        canceled.Cancel();
        Assert.False(TransientFailure.IsTransient(new TaskCanceledException("timed out", new TimeoutException()), canceled.Token));
    }

    [Fact]
    public async Task Cancellation_stops_a_read()
    {
        var array = VolumeTestData.Array(new byte[64], [4, 4, 4], [2, 2, 2], VoxelType.UInt8);
        array.Gate = new TaskCompletionSource().Task;
        var volume = new VolumeArray(array, new ChunkCache(1 << 20));
        using var cancel = new CancellationTokenSource();

        var read = volume.ReadAsync<byte>(Box3.FromShape((4, 4, 4)), Boundary.Fill, cancel.Token).AsTask();
        await WaitForReads(array, 8); // every chunk waits at the gate
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        Assert.Equal(0, volume.Cache.Count);
    }

    private static async Task PumpUntilDone(Task task, FakeTimeProvider time)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!task.IsCompleted && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromSeconds(10));
            await Task.Delay(1);
        }
    }

    private static async Task WaitForReads(InMemoryChunkedArray array, int reads)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (array.Reads < reads && DateTime.UtcNow < deadline)
        {
            await Task.Delay(2);
        }

        await Task.Delay(20); // let the failed read reach its back-off wait
        Assert.Equal(reads, array.Reads);
    }

    /// <summary>A fake clock that counts the timers made on it, so a test knows when a back-off wait has begun.</summary>
    private sealed class CountingTimeProvider : FakeTimeProvider
    {
        private int _timers;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _timers);
            return timer;
        }

        public async Task WaitForTimers(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Volatile.Read(ref _timers) < count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(2);
            }

            Assert.Equal(count, Volatile.Read(ref _timers));
        }
    }
}
