using Apache.Arrow;
using Connectomics.Chunks;
using Connectomics.Pipelines;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Store;
using Connectomics.Storage.Parquet;
using Connectomics.Storage.Tests.Lance.Interop;
using Connectomics.Storage.Tests.Pipelines.Tiles;

namespace Connectomics.Storage.Tests.Pipelines;

/// <summary>Records of several rows each, and records tried again, through the pipeline into a real Lance table.</summary>
public sealed class MultiRowLanceTests : IDisposable
{
    // Tiles t0 … t5 with 2, 0, 3, 1, 0, 2 rows.
    private static readonly Tile[] Tiles = [new("t0", 2), new("t1", 0), new("t2", 3), new("t3", 1), new("t4", 0), new("t5", 2)];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Rows_of_multi_row_records_land_in_lance_and_a_record_retried_by_the_next_run_is_there_once_as_the_official_client_reads()
    {
        var database = _dir.File("db");
        var quarantine = new ParquetQuarantine(_dir.File("quarantine"));

        var first = await Run(database, quarantine, failing: ["t2"]);
        var second = await Run(database, quarantine, failing: ["t2"]);

        Assert.Equal((PipelineOutcome.Completed, 1, 5L), (first.Outcome, first.RetryPending, first.RowsCommitted));
        Assert.Equal((PipelineOutcome.Completed, 1, 0), (second.Outcome, second.RetryPending, second.Commits));
        var tag = (await (await LanceVectorStore.Open(database).OpenTableAsync("tiles")).FindLastCommitAsync("default", ShardAssignment.Single))!.Tag;
        Assert.Equal([WorkPosition.Within("tiles", 2)], tag.Retry);
        Assert.Equal(WorkPosition.Done, tag.Position);
        // The record's two failures left one quarantine file, under its own offset.
        Assert.Single(Directory.GetFiles(_dir.File("quarantine"), "*.parquet", SearchOption.AllDirectories));

        var third = await Run(database, quarantine, failing: []);

        Assert.Equal((PipelineOutcome.Completed, 0, 8L, 0L), (third.Outcome, third.RetryPending, third.RowsCommitted, third.RecordsRejected));
        string[] expected =
        [
            "t0/0|0,0,0.5", "t0/1|0,1,0.5", "t3/0|3,0,0.5", "t5/0|5,0,0.5", "t5/1|5,1,5.5",
            "t2/0|2,0,0.5", "t2/1|2,1,2.5", "t2/2|2,2,4.5",
        ];
        var table = Path.Combine(database, "tiles.lance");
        Assert.Equal(expected, (await TableReads.OursAsync(table)).Rows);
        Assert.Equal(expected, (await TableReads.OfficialAsync(table)).Rows);
        Assert.Equal(["t0:0", "t0:1", "t3:0", "t5:0", "t5:1", "t2:0", "t2:1", "t2:2"], await TileCellsAsync(table));
        var done = (await (await LanceVectorStore.Open(database).OpenTableAsync("tiles")).FindLastCommitAsync("default", ShardAssignment.Single))!.Tag;
        Assert.Empty(done.Retry);
        Assert.Equal((6L, 8L, 0L), (done.RecordsRead, done.RowsWritten, done.RecordsRejected));

        Assert.Equal(PipelineOutcome.AlreadyComplete, (await Run(database, quarantine, failing: [])).Outcome);
    }

    private static Task<PipelineResult> Run(string database, ParquetQuarantine quarantine, HashSet<string> failing) =>
        EmbeddingPipeline.From(new TileSource(Tiles), new TileRows())
            .Embed(new TileModel { Failing = failing })
            .ToLance(database, "tiles")
            .OnBadRecords(BadRecordPolicy.Quarantine, quarantine)
            .Configure(o =>
            {
                o.ChunkSize = 4;
                o.RetryQuarantined = true;
                o.PrepareWorkers = 2;
            })
            .RunAsync();

    private static async Task<List<string>> TileCellsAsync(string tablePath)
    {
        var table = await LanceTable.OpenAsync(tablePath);
        var cells = new List<string>();
        await foreach (var batch in table.ScanAsync(["tile", "cell"]))
        {
            var tiles = (StringArray)batch.Column(0);
            var rows = (Int32Array)batch.Column(1);
            for (var r = 0; r < batch.Length; r++)
            {
                cells.Add($"{tiles.GetString(r)}:{rows.GetValue(r)}");
            }
        }

        return cells;
    }
}
