using Connectomics.Checkpoints;
using Connectomics.Storage.Checkpoints;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Parquet;
using Connectomics.Storage.Tests.Lance;
using Connectomics.Storage.Tests.Parquet;
using Microsoft.Extensions.Logging;

namespace Connectomics.Storage.Tests.Telemetry;

public sealed class StorageTelemetryTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("storage-telemetry-");
    private readonly MetricRecorder _metrics = new();
    private readonly RecordingLoggerFactory _logs = new();

    public void Dispose()
    {
        _metrics.Dispose();
        _dir.Delete(recursive: true);
    }

    private LanceDatabase Database() => LanceDatabase.Open(new LanceDatabaseOptions { Directory = _dir.FullName }, _logs, _metrics);

    private static CheckpointState State(ulong version) => new() { RunId = "run", Position = new Dictionary<string, string> { ["row"] = "1" }, StoreVersion = version };

    [Fact]
    public async Task Lance_commits_record_rows_bytes_duration_and_a_log_entry()
    {
        var db = Database();
        await using (var writer = await db.OpenWriterAsync("t", SampleBatches.VectorSchema(4)))
        {
            await writer.WriteAsync(SampleBatches.Vectors(0, 5, 4));
            await writer.CompleteAsync();
        }

        await using (var writer = await db.OpenWriterAsync("t", SampleBatches.VectorSchema(4), new LanceWriteOptions { Mode = LanceWriteMode.Append }))
        {
            await writer.WriteAsync(SampleBatches.Vectors(5, 2, 4));
            await writer.CompleteAsync();
        }

        Assert.Equal(2, _metrics.Sum("connectomics.lance.commits"));
        Assert.Equal(1, _metrics.Sum("connectomics.lance.commits", "lance.write.mode", "append"));
        Assert.Equal(7, _metrics.Sum("connectomics.lance.rows.written"));
        var dataBytes = Directory.GetFiles(Path.Combine(db.TablePath("t"), "data")).Sum(f => new FileInfo(f).Length);
        Assert.Equal(dataBytes, _metrics.Sum("connectomics.lance.bytes.written"));
        Assert.Equal(2, _metrics.Count("connectomics.lance.commit.duration"));
        Assert.Equal(0, _metrics.Count("connectomics.lance.commit.conflicts"));

        var commits = _logs.Logger.Entries.Where(e => e.EventId.Id == 101).ToList();
        Assert.Equal(2, commits.Count);
        Assert.All(commits, e => Assert.Equal(("LanceTableCommitted", LogLevel.Information), (e.EventId.Name, e.Level)));
        Assert.Contains("Committed version 2 of", commits[1].Message, StringComparison.Ordinal);
        Assert.Contains("(append): 2 rows in 1 fragment(s)", commits[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lance_conflicts_are_counted_by_outcome_and_logged()
    {
        var db = Database();
        var append = new LanceWriteOptions { Mode = LanceWriteMode.Append };
        await using (var writer = await db.OpenWriterAsync("t", SampleBatches.VectorSchema(4)))
        {
            await writer.WriteAsync(SampleBatches.Vectors(0, 2, 4));
            await writer.CompleteAsync();
        }

        await using var a = await db.OpenWriterAsync("t", SampleBatches.VectorSchema(4), append);
        await using var b = await db.OpenWriterAsync("t", SampleBatches.VectorSchema(4), append);
        await using var c = await db.OpenWriterAsync("t", SampleBatches.VectorSchema(4), append);
        await a.WriteAsync(SampleBatches.Vectors(2, 1, 4));
        await b.WriteAsync(SampleBatches.Vectors(3, 1, 4));
        await c.WriteAsync(SampleBatches.Vectors(4, 1, 4));
        await b.CompleteAsync();
        await a.CompleteAsync(); // loses version 2 to b and is rebased
        await using (var overwrite = await db.OpenWriterAsync("t", SampleBatches.VectorSchema(4), new LanceWriteOptions { Mode = LanceWriteMode.Overwrite }))
        {
            await overwrite.WriteAsync(SampleBatches.Vectors(9, 1, 4));
            await overwrite.CompleteAsync();
        }

        await Assert.ThrowsAsync<LanceCommitConflictException>(() => c.CompleteAsync());

        Assert.Equal(1, _metrics.Sum("connectomics.lance.commit.conflicts", "outcome", "rebased"));
        Assert.Equal(1, _metrics.Sum("connectomics.lance.commit.conflicts", "outcome", "refused"));
        Assert.Contains(_logs.Logger.Entries, e => e.EventId.Id == 102 && e.Message.Contains("version 2", StringComparison.Ordinal));
        var refused = Assert.Single(_logs.Logger.Entries, e => e.EventId.Id == 103);
        Assert.Equal(LogLevel.Warning, refused.Level);
        Assert.Contains("overwrite", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkpoint_saves_loads_and_damaged_files_are_counted_and_logged()
    {
        var store = new FileCheckpointStore(new FileCheckpointStoreOptions { Directory = _dir.FullName, RunId = "run" }, loggerFactory: _logs, meterFactory: _metrics);

        Assert.Null(await store.LoadAsync());
        await store.SaveAsync(State(1));
        await store.SaveAsync(State(2));
        Assert.Equal((ulong)2, (await store.LoadAsync())!.StoreVersion);
        await File.WriteAllTextAsync(store.CurrentPath, "{\"format\":1,");
        Assert.Equal((ulong)1, (await store.LoadAsync())!.StoreVersion);

        Assert.Equal(2, _metrics.Sum("connectomics.checkpoint.saves"));
        Assert.Equal(1, _metrics.Sum("connectomics.checkpoint.loads", "source", "none"));
        Assert.Equal(1, _metrics.Sum("connectomics.checkpoint.loads", "source", "current"));
        Assert.Equal(1, _metrics.Sum("connectomics.checkpoint.loads", "source", "previous"));
        Assert.Equal(1, _metrics.Sum("connectomics.checkpoint.files.damaged"));

        var events = _logs.Logger.Entries.Select(e => (e.EventId.Id, e.EventId.Name)).ToList();
        Assert.Equal(2, events.Count(e => e == (6, "CheckpointSaved")));
        Assert.Contains((7, "CheckpointLoaded"), events);
        Assert.Contains((8, "CheckpointNotFound"), events);
        Assert.Contains((1, "CheckpointDamaged"), events);
        Assert.Contains(typeof(FileCheckpointStore).FullName!, _logs.Categories);
    }

    [Fact]
    public async Task Parquet_rows_read_are_counted()
    {
        var file = Path.Combine(_dir.FullName, "a.parquet");
        await ParquetTestFiles.WriteSequencesAsync(file, "a", 7, rowGroupSize: 3);
        var source = new ParquetSequenceSource(new ParquetSequenceSourceOptions { Inputs = { file }, BatchSize = 2 }, _metrics);

        var read = 0;
        await foreach (var record in source.ReadAsync())
        {
            read++;
        }

        Assert.Equal(7, read);
        Assert.Equal(7, _metrics.Sum("connectomics.parquet.rows.read"));
    }

    [Fact]
    public void Instruments_are_on_the_storage_meter_with_units_and_descriptions()
    {
        _ = new Connectomics.Storage.Telemetry.StorageTelemetry(_metrics);

        Assert.Equal(10, _metrics.Instruments.Count);
        Assert.All(_metrics.Instruments.Values, i =>
        {
            Assert.Equal("Connectomics.Storage", i.Meter.Name);
            Assert.Matches("^connectomics(\\.[a-z]+)+$", i.Name);
            Assert.False(string.IsNullOrEmpty(i.Unit));
            Assert.False(string.IsNullOrEmpty(i.Description));
        });
    }
}
