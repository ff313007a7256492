using Connectomics.Pipelines.Tests.Doubles;
using Connectomics.Pipelines.Tests.Doubles.Tiles;

namespace Connectomics.Pipelines.Tests.Engine;

public sealed class MultiRowTests
{
    [Fact]
    public async Task Each_record_makes_its_rows_with_their_ids_values_and_slices_of_its_output_and_records_without_rows_are_done_unencoded()
    {
        var units = TileScenario.Units([2, 0, 3], [1, 0]);
        var scenario = new TileScenario(new TileSource(units));
        var progress = new List<PipelineProgress>();

        var result = await scenario.RunAsync(new SynchronousProgress(progress));

        Assert.Equal(PipelineOutcome.Completed, result.Outcome);
        var rows = scenario.Output.Latest.Rows;
        Assert.Equal(["u0-t0/0", "u0-t0/1", "u0-t2/0", "u0-t2/1", "u0-t2/2", "u1-t0/0"], rows.Select(r => r.Id));
        Assert.Equal([0L, 1, 200, 201, 202, 1000], rows.Select(r => (long)r.Columns[0]!));
        Assert.Equal(TileModel.VectorOf("u0-t2", 1), rows[3].Vector);
        Assert.Equal(TileModel.VectorOf("u1-t0", 0), rows[5].Vector);
        Assert.Equal(TileScenario.ExpectedRows(units).Select(r => RowAssert.Bits(r.Vector)), rows.Select(r => RowAssert.Bits(r.Vector)));

        // The tiles without rows were neither prepared nor encoded, but are done.
        Assert.Equal(["u0-t0", "u0-t2", "u1-t0"], scenario.Model.Prepared.Order(StringComparer.Ordinal));
        Assert.Equal(["u0-t0", "u0-t2", "u1-t0"], scenario.Model.Encoded.Order(StringComparer.Ordinal));
        Assert.Equal((5L, 2L, 6L, 6L), (result.RecordsRead, result.RecordsWithoutRows, result.RowsWritten, result.RowsCommitted));
        Assert.Equal(5, scenario.Output.Latest.Tag!.RecordsRead);
        Assert.Equal(6, scenario.Output.Latest.Tag!.RowsWritten);
        Assert.Equal(Connectomics.Chunks.WorkPosition.Done, scenario.Output.Latest.Tag!.Position);
        Assert.Equal(2, progress[^1].RecordsWithoutRows);
        Assert.Equal(5, progress[^1].RecordsDone);
    }

    [Fact]
    public async Task A_chunk_of_records_without_rows_only_moves_the_position()
    {
        var scenario = new TileScenario(new TileSource(TileScenario.Units([0, 0, 0]))) { ChunkSize = 2 };

        var result = await scenario.RunAsync();

        Assert.Equal((PipelineOutcome.Completed, 3L, 0L), (result.Outcome, result.RecordsWithoutRows, result.RowsCommitted));
        Assert.Empty(scenario.Model.Prepared);
        Assert.Empty(scenario.Output.Latest.Rows);
        Assert.Equal(Connectomics.Chunks.WorkPosition.Done, scenario.Output.Latest.Tag!.Position);
    }

    [Fact]
    public async Task Output_that_is_not_rows_times_dimension_long_fails_naming_the_record()
    {
        var scenario = new TileScenario(new TileSource(TileScenario.Units([1, 3, 2])));
        scenario.Model.ShortOutputFor = "u0-t1";

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => scenario.RunAsync());

        Assert.Contains("'u0-t1'", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("8 values", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("3 row(s) of dimension 3: 9 values were due", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Row_commits_count_rows_not_records()
    {
        // Rows 2, 0, 3, 1, 1 one tile per chunk, at most 4 rows between commits: a commit after the third tile (5 rows), then the end (7).
        var scenario = new TileScenario(new TileSource(TileScenario.Units([2, 0, 3, 1, 1]))) { ChunkSize = 1, CheckpointRows = 4 };

        await scenario.RunAsync();

        var tags = scenario.Output.Versions.Where(v => v.Tag is not null).Select(v => v.Tag!).ToList();
        Assert.Equal([5L, 7], tags.Select(t => t.RowsWritten));
        Assert.Equal([3L, 5], tags.Select(t => t.RecordsRead));
        Assert.Equal([TileScenario.At(0, 3), Connectomics.Chunks.WorkPosition.Done], tags.Select(t => t.Position));
    }

    [Fact]
    public async Task Repeated_ids_are_record_ids_when_the_source_does_not_promise_unique_ones()
    {
        Tile[] unit = [new("a", 1, 0), new("b", 2, 1), new("a", 1, 2)];
        var scenario = new TileScenario(new TileSource([unit], uniqueIds: false)) { RetryQuarantined = false };

        var result = await scenario.RunAsync();

        Assert.Equal(["a/0", "b/0", "b/1"], scenario.Output.Latest.Rows.Select(r => r.Id));
        var rejected = Assert.Single(scenario.Quarantine.Records);
        Assert.Equal((2L, "a"), (rejected.Offset, rejected.RecordId));
        Assert.Equal(1, result.RecordsRejected);
    }
}
