using Connectomics.Pipelines.Engine;
using Connectomics.Pipelines.Tests.Doubles;
using Microsoft.Extensions.Time.Testing;

namespace Connectomics.Pipelines.Tests.Engine;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Metrics_count_what_the_run_did()
    {
        var units = Reads.Units(10, 7);
        var scenario = new Scenario(new MemoryChunkSource(units, Reads.Columns));

        var result = await scenario.RunAsync();

        var metrics = scenario.Metrics;
        Assert.Equal(17, metrics.Sum("connectomics.pipeline.records.read"));
        Assert.Equal(17, metrics.Sum("connectomics.pipeline.rows"));
        Assert.Equal(result.Commits, metrics.Sum("connectomics.pipeline.commits"));
        Assert.Equal(result.Commits, metrics.Count("connectomics.pipeline.commit.duration"));
        Assert.Equal(scenario.Model.Calls.Count, metrics.Sum("connectomics.pipeline.batches"));
        Assert.Equal(scenario.Model.Calls.Count, metrics.Count("connectomics.pipeline.encode.duration"));
        Assert.Equal(units.SelectMany(u => u).Sum(r => r.Sequence.Length), metrics.Sum("connectomics.pipeline.tokens"));
        Assert.All(metrics.Measurements, m => Assert.Contains(m.Tags, t => t.Key == "run" && Equals(t.Value, "default")));

        Assert.Equal(PipelineTelemetry.MeterName, metrics.Instruments["connectomics.pipeline.rows"].Meter.Name);
        Assert.Equal("{row}", metrics.Instruments["connectomics.pipeline.rows"].Unit);
        Assert.Equal("s", metrics.Instruments["connectomics.pipeline.commit.duration"].Unit);
        Assert.Equal("s", metrics.Instruments["connectomics.pipeline.encode.duration"].Unit);
        Assert.Equal("{chunk}", metrics.Instruments["connectomics.pipeline.queue.depth"].Unit);
        Assert.All(metrics.Instruments.Values, i => Assert.False(string.IsNullOrEmpty(i.Description)));
    }

    [Fact]
    public async Task Durations_are_recorded_in_seconds()
    {
        var time = new FakeTimeProvider();
        var scenario = new Scenario(new MemoryChunkSource(Reads.Units(6, 5), Reads.Columns)) { Time = time, EncodeWorkers = 1 };
        scenario.Model.BeforeEncode = () =>
        {
            time.Advance(TimeSpan.FromMilliseconds(1500));
            return Task.CompletedTask;
        };

        await scenario.RunAsync();

        var encodes = scenario.Metrics.Measurements.Where(m => m.Instrument == "connectomics.pipeline.encode.duration").ToList();
        Assert.NotEmpty(encodes);
        Assert.All(encodes, m => Assert.Equal(1.5, m.Value));
    }

    [Fact]
    public async Task Progress_is_reported_at_each_commit_and_every_second_with_rate_and_time_left()
    {
        var time = new FakeTimeProvider();
        var store = new MemoryVectorStore();
        store.OnWrite = () => time.Advance(TimeSpan.FromSeconds(2));
        var scenario = new Scenario(new MemoryChunkSource(Reads.Units(16, 8), Reads.Columns), store) { CheckpointRows = 8, Time = time };
        var snapshots = new List<PipelineProgress>();

        var result = await scenario.RunAsync(new SynchronousProgress(snapshots));

        // Six chunks of four, two seconds each: the once-a-second timer fires twice per chunk, plus three commits
        // (8, 16, 24 rows) and one snapshot at the end.
        Assert.Equal(12 + 3 + 1, snapshots.Count);
        var commits = snapshots.Where(s => s.StoreVersion is not null).Select(s => s.RowsCommitted).Distinct().ToList();
        Assert.Equal([8L, 16, 24], commits);
        Assert.All(snapshots, s => Assert.Equal(24, s.RecordsTotal));
        Assert.All(snapshots, s => Assert.Equal(["encode", "prepare", "read", "write"], s.QueueDepths.Keys.Order(StringComparer.Ordinal)));
        var last = snapshots[^1];
        Assert.Equal(24, last.RecordsDone);
        Assert.Equal(result.StoreVersion, last.StoreVersion);
        Assert.Equal(TimeSpan.FromSeconds(12), last.Elapsed);

        // Four records every two seconds, measured over the last (up to) ten seconds of snapshots.
        var steady = snapshots.Where(s => s.Elapsed >= TimeSpan.FromSeconds(5) && s.RecordsDone < 24).ToList();
        Assert.NotEmpty(steady);
        Assert.All(steady, s =>
        {
            Assert.InRange(s.RecordsPerSecond, 1.5, 3);
            Assert.Equal((24 - s.RecordsDone) / s.RecordsPerSecond, s.EstimatedRemaining!.Value.TotalSeconds, 3);
        });
    }

    [Fact]
    public async Task Logs_say_where_the_run_starts_each_commit_and_the_summary()
    {
        var scenario = new Scenario(new MemoryChunkSource(Reads.Units(10), Reads.Columns)) { CheckpointRows = 5 };

        await scenario.RunAsync();

        var entries = scenario.LogEntries.ToList();
        Assert.Contains(entries, e => e.EventId == new Microsoft.Extensions.Logging.EventId(1, "RunStarting") && e.Message.Contains("starting at 0@unit-00.txt", StringComparison.Ordinal));
        Assert.Equal(2, entries.Count(e => e.EventId.Id == 3));
        Assert.Contains(entries, e => e.EventId.Id == 5 && e.Message.Contains("completed: 10 rows written in 2 commits", StringComparison.Ordinal));
    }
}
