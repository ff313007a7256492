using Connectomics.Pipelines.Engine;
using Connectomics.Pipelines.Tests.Doubles;

namespace Connectomics.Pipelines.Tests.Engine;

public sealed class EndToEndTests
{
    [Fact]
    public async Task Every_record_becomes_one_row_in_plan_order_with_the_models_vector()
    {
        var units = Reads.Units(5, 9, 3);
        var scenario = new Scenario(new MemoryChunkSource(units, Reads.Columns)) { TokensPerBatch = 100_000 };

        var result = await scenario.RunAsync();

        Assert.Equal(PipelineOutcome.Completed, result.Outcome);
        Assert.False(result.Resumed);
        Assert.Equal(17, result.RowsWritten);
        Assert.Equal(17, result.RowsCommitted);
        Assert.Equal(17, result.RecordsRead);
        Assert.Equal(0, result.RecordsRejected);
        Assert.Null(result.QuarantineLocation);
        var rows = scenario.Output.Latest.Rows;
        Assert.Equal(units.SelectMany(u => u).Select(r => r.Id), rows.Select(r => r.Id));

        // With an unlimited budget each chunk (4 records, the unit's last possibly fewer) is one call, so the
        // vector is the pattern of the sequence plus the chunk's summed length.
        foreach (var unit in units)
        {
            foreach (var chunk in unit.Chunk(4))
            {
                var cost = chunk.Sum(r => r.Sequence.Length);
                foreach (var record in chunk)
                {
                    var row = rows.Single(r => r.Id == record.Id);
                    Assert.Equal(RowAssert.Bits(HashModel.VectorOf(record.Sequence, 8, cost)), RowAssert.Bits(row.Vector));
                    Assert.Equal(record.Metadata["depth"], row.Columns[0]);
                }
            }
        }

        var tag = scenario.Output.Latest.Tag!;
        Assert.True(tag.Position.IsDone);
        Assert.Equal(17, tag.RowsWritten);
        Assert.Equal(17, tag.RecordsRead);
        Assert.Equal(result.StoreVersion, scenario.Output.Latest.Number);
    }

    [Fact]
    public async Task The_table_is_stamped_with_the_model_and_the_builders_metadata()
    {
        var scenario = new Scenario(new MemoryChunkSource(Reads.Units(3), Reads.Columns));

        await scenario.RunAsync();

        var metadata = scenario.Output.Definition.Metadata;
        Assert.Equal("hash-model", metadata[RunIdentity.ModelNameKey]);
        Assert.Equal("f00d", metadata[RunIdentity.ModelFingerprintKey]);
        Assert.Equal("8", metadata[RunIdentity.ModelDimensionKey]);
        Assert.Equal("mean", metadata["connectomics.model.pooling"]);
        Assert.Equal("false", metadata["connectomics.model.normalize"]);
        Assert.Equal("tests", metadata["project"]);
        Assert.Equal(Reads.Columns, scenario.Output.Definition.Columns);
        Assert.Equal(8, scenario.Output.Definition.Dimension);
    }

    [Fact]
    public async Task Output_does_not_depend_on_the_number_of_workers()
    {
        var units = Reads.Units(13, 2, 21, 7);
        var one = new Scenario(new MemoryChunkSource(units, Reads.Columns)) { PrepareWorkers = 1, EncodeWorkers = 1, QueueCapacity = 1 };
        var many = new Scenario(new MemoryChunkSource(units, Reads.Columns)) { PrepareWorkers = 5, EncodeWorkers = 4, QueueCapacity = 3 };

        await one.RunAsync();
        await many.RunAsync();

        RowAssert.Identical(one.Output.Latest.Rows, many.Output.Latest.Rows);
    }

    [Fact]
    public async Task Calls_into_the_model_are_groups_of_like_cost_under_the_token_budget()
    {
        string[] sequences = ["AAAAA", "CCCCC", "GGGGG", new string('T', 20), "ACG", "ACGTACGTAC"];
        var unit = sequences.Select((s, i) => Reads.Read($"r{i}", s)).ToList();
        var scenario = new Scenario(new MemoryChunkSource([unit], Reads.Columns)) { ChunkSize = 6, TokensPerBatch = 10, EncodeWorkers = 1 };

        await scenario.RunAsync();

        // In order of cost (3, 5, 5, 5, 10, 20; equal costs in chunk order): 3+5 fit in 10, 3+5+5 do not; 5+5; 10;
        // 20 alone, over budget.
        Assert.Equal(
            [["ACG", "AAAAA"], ["CCCCC", "GGGGG"], ["ACGTACGTAC"], [new string('T', 20)]],
            scenario.Model.Calls.ToArray());
    }

    [Fact]
    public async Task Commits_every_CheckpointRows_rows_and_at_the_end()
    {
        var scenario = new Scenario(new MemoryChunkSource(Reads.Units(10, 6), Reads.Columns)) { CheckpointRows = 5 };

        var result = await scenario.RunAsync();

        // Chunks of 4 rows: 4, 8 (commit), 2 (end of unit 0), 6 (commit), 8 (end: commit).
        var commits = scenario.Output.Versions.Where(v => v.Tag is not null).ToList();
        Assert.Equal(["8@unit-00.txt", "4@unit-01.txt", "done"], commits.Select(c => c.Tag!.Position.ToString()));
        Assert.Equal([8, 14, 16], commits.Select(c => c.Rows.Count));
        Assert.Equal([8L, 14, 16], commits.Select(c => c.Tag!.RowsWritten));
        Assert.Equal(3, result.Commits);
    }

    [Fact]
    public async Task Commits_when_the_interval_has_passed_on_the_runs_clock()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var store = new MemoryVectorStore();
        store.OnWrite = () => time.Advance(TimeSpan.FromSeconds(25));
        var scenario = new Scenario(new MemoryChunkSource(Reads.Units(28), Reads.Columns), store)
        {
            CheckpointRows = 1_000,
            CheckpointInterval = TimeSpan.FromMinutes(1),
            Time = time,
        };

        await scenario.RunAsync();

        // Each chunk's write takes 25 s: 75 s after the start (chunk 3) the interval has passed, then 75 s after that commit.
        var commits = scenario.Output.Versions.Where(v => v.Tag is not null).Select(v => v.Tag!.Position.ToString());
        Assert.Equal(["12@unit-00.txt", "24@unit-00.txt", "done"], commits);
    }
}
