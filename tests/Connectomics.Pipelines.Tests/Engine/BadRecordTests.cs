using Connectomics.Chunks;
using Connectomics.Pipelines.Tests.Doubles;
using Connectomics.Sequences;

namespace Connectomics.Pipelines.Tests.Engine;

public sealed class BadRecordTests
{
    // Unit 0: r0 good, (no id), r2 good, empty sequence, r1 again (repeat), mostly N, unreadable, r7 good.
    // Unit 1: r2 (repeat of unit 0's), r9 good.
    private static List<IReadOnlyList<SequenceRecord>> Units() =>
    [
        [
            Reads.Read("r0", "ACGTA"), Reads.Read(string.Empty, "ACGTA"), Reads.Read("r1", "ACGTAC"), Reads.Read("r3", string.Empty),
            Reads.Read("r1", "ACGTTT"), Reads.Read("r5", "NNNNAC"), Reads.Read("r6", MemoryChunkSource.Unreadable), Reads.Read("r7", "ACGGA"),
        ],
        [Reads.Read("r1", "CCCCC"), Reads.Read("r9", "GGGGG")],
    ];

    [Fact]
    public async Task Quarantine_sets_each_kind_of_bad_record_aside_and_writes_the_rest()
    {
        var scenario = new Scenario(new MemoryChunkSource(Units(), Reads.Columns));

        var result = await scenario.RunAsync();

        Assert.Equal(["r0", "r1", "r7", "r9"], scenario.Output.Latest.Rows.Select(r => r.Id));
        var quarantined = scenario.Quarantine.Records.ToList();
        Assert.Equal(
            [("unit-00.txt", 1L, (string?)null), ("unit-00.txt", 3, "r3"), ("unit-00.txt", 4, "r1"), ("unit-00.txt", 5, "r5"), ("unit-00.txt", 6, "r6"), ("unit-01.txt", 0, "r1")],
            quarantined.Select(r => (r.UnitKey, r.Offset, r.RecordId)));
        Assert.Contains("no id", quarantined[0].Reason, StringComparison.Ordinal);
        Assert.Contains("empty", quarantined[1].Reason, StringComparison.Ordinal);
        Assert.Contains("repeats", quarantined[2].Reason, StringComparison.Ordinal);
        Assert.Contains("4 of its 6 model units are unknown", quarantined[3].Reason, StringComparison.Ordinal);
        Assert.Equal("sequence", quarantined[4].Column);
        Assert.Contains("repeats", quarantined[5].Reason, StringComparison.Ordinal);

        Assert.Equal(6, result.RecordsRejected);
        Assert.Equal(10, result.RecordsRead);
        Assert.Equal("memory://quarantine", result.QuarantineLocation);
        Assert.Equal(6, scenario.Output.Latest.Tag!.RecordsRejected);
        Assert.Equal(1, scenario.Metrics.Sum("connectomics.pipeline.records.bad", "reason", "missing_id"));
        Assert.Equal(2, scenario.Metrics.Sum("connectomics.pipeline.records.bad", "reason", "duplicate_id"));
        Assert.Equal(1, scenario.Metrics.Sum("connectomics.pipeline.records.bad", "reason", "unusable"));
        Assert.Equal(1, scenario.Metrics.Sum("connectomics.pipeline.records.bad", "reason", "unknown_units"));
        Assert.Equal(1, scenario.Metrics.Sum("connectomics.pipeline.records.bad", "reason", "source"));
        Assert.Equal(6, scenario.LogEntries.Count(e => e.EventId.Id == 4));
    }

    [Fact]
    public async Task Fail_stops_at_the_first_bad_record_with_nothing_of_its_chunk_committed()
    {
        var scenario = new Scenario(new MemoryChunkSource(Units(), Reads.Columns)) { Policy = BadRecordPolicy.Fail, ChunkSize = 1, CheckpointRows = 1 };

        var error = await Assert.ThrowsAsync<BadRecordException>(() => scenario.RunAsync());

        Assert.Null(error.RecordId);
        Assert.Contains("in unit 'unit-00.txt' at record 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("no id", error.Message, StringComparison.Ordinal);
        Assert.Equal(["r0"], scenario.Output.Latest.Rows.Select(r => r.Id));
        Assert.Equal("1@unit-00.txt", scenario.Output.Latest.Tag!.Position.ToString());
        Assert.Empty(scenario.Quarantine.Chunks);
    }

    [Fact]
    public async Task Fail_names_the_file_row_and_column_the_source_gave()
    {
        var unit = new List<SequenceRecord> { Reads.Read("a", "ACGTA"), Reads.Read("b", "ACGTA"), Reads.Read("c", MemoryChunkSource.Unreadable), Reads.Read("d", "ACGTA") };
        var scenario = new Scenario(new MemoryChunkSource([unit], Reads.Columns)) { Policy = BadRecordPolicy.Fail, ChunkSize = 2, CheckpointRows = 1 };

        var error = await Assert.ThrowsAsync<BadRecordException>(() => scenario.RunAsync());

        Assert.Equal(("unit-00.txt", 3L, "sequence", "c"), (error.File, error.Row!.Value, error.Column, error.RecordId));
        Assert.Contains("file 'unit-00.txt', row 3, column 'sequence' (id 'c')", error.Message, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], scenario.Output.Latest.Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task Bad_records_the_engine_finds_are_located_by_the_source_with_the_column_at_fault()
    {
        var source = new MemoryChunkSource(Units(), Reads.Columns)
        {
            Locator = (record, field) => record with { File = record.UnitKey + ".gz", Row = record.Offset + 100, Column = field == RecordField.Id ? "name" : "bases" },
        };
        var scenario = new Scenario(source);

        await scenario.RunAsync();

        var quarantined = scenario.Quarantine.Records.ToDictionary(r => (r.UnitKey, r.Offset));
        Assert.Equal(("unit-00.txt.gz", 101L, "name"), (quarantined[("unit-00.txt", 1)].File, quarantined[("unit-00.txt", 1)].Row!.Value, quarantined[("unit-00.txt", 1)].Column));
        Assert.Equal(("unit-00.txt.gz", 103L, "bases"), (quarantined[("unit-00.txt", 3)].File, quarantined[("unit-00.txt", 3)].Row!.Value, quarantined[("unit-00.txt", 3)].Column));
        Assert.Equal(("unit-00.txt.gz", 104L, "name"), (quarantined[("unit-00.txt", 4)].File, quarantined[("unit-00.txt", 4)].Row!.Value, quarantined[("unit-00.txt", 4)].Column));
        Assert.Equal(("unit-00.txt.gz", 105L, "bases"), (quarantined[("unit-00.txt", 5)].File, quarantined[("unit-00.txt", 5)].Row!.Value, quarantined[("unit-00.txt", 5)].Column));
        Assert.Equal(("unit-01.txt.gz", 100L, "name"), (quarantined[("unit-01.txt", 0)].File, quarantined[("unit-01.txt", 0)].Row!.Value, quarantined[("unit-01.txt", 0)].Column));

        // The source's own rejection keeps what the source said.
        Assert.Equal("sequence", quarantined[("unit-00.txt", 6)].Column);
    }

    [Fact]
    public async Task Fail_names_the_file_row_and_column_of_a_repeated_id()
    {
        var unit = new List<SequenceRecord> { Reads.Read("a", "ACGTA"), Reads.Read("b", "ACGTA"), Reads.Read("a", "ACGTT") };
        var source = new MemoryChunkSource([unit], Reads.Columns)
        {
            Locator = (record, field) => record with { File = "reads.parquet", Row = 40 + record.Offset, Column = field == RecordField.Id ? "read_id" : "seq" },
        };
        var scenario = new Scenario(source) { Policy = BadRecordPolicy.Fail };

        var error = await Assert.ThrowsAsync<BadRecordException>(() => scenario.RunAsync());

        Assert.Equal(("reads.parquet", 42L, "read_id", "a"), (error.File, error.Row!.Value, error.Column, error.RecordId));
        Assert.Contains("file 'reads.parquet', row 42, column 'read_id' (id 'a')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_unknown_share_is_over_the_records_own_units_not_those_the_model_adds()
    {
        // With 2 units added per record: r1 is 3 of its own 4 units unknown (75 %, although 3 of 6 model units);
        // r2 is 2 of 4 (50 %, allowed).
        var unit = new List<SequenceRecord> { Reads.Read("r0", "ACGT"), Reads.Read("r1", "NNNA"), Reads.Read("r2", "NNAC") };
        var scenario = new Scenario(new MemoryChunkSource([unit], Reads.Columns), model: new HashModel { AddedUnits = 2 });

        var result = await scenario.RunAsync();

        Assert.Equal(["r0", "r2"], scenario.Output.Latest.Rows.Select(r => r.Id));
        var bad = Assert.Single(scenario.Quarantine.Records);
        Assert.Equal("r1", bad.RecordId);
        Assert.Contains("3 of its 4 model units are unknown (75.0 %)", bad.Reason, StringComparison.Ordinal);
        Assert.Equal(5.0 / 12, result.UnknownShare, 1e-12);
    }

    [Fact]
    public async Task A_resumed_run_still_finds_ids_repeated_from_the_part_done_before()
    {
        var reference = new Scenario(new MemoryChunkSource(Units(), Reads.Columns)) { ChunkSize = 2, CheckpointRows = 1 };
        await reference.RunAsync();

        var store = new MemoryVectorStore();
        var failing = new Scenario(new MemoryChunkSource(Units(), Reads.Columns), store) { ChunkSize = 2, CheckpointRows = 1, EncodeWorkers = 1 };
        store.WriteFailure.At = 4;
        await Assert.ThrowsAsync<InjectedFailure>(() => failing.RunAsync());
        Assert.NotNull(failing.Output.Latest.Tag);

        var resumed = new Scenario(new MemoryChunkSource(Units(), Reads.Columns), store) { ChunkSize = 2, CheckpointRows = 1 };
        var result = await resumed.RunAsync();

        Assert.True(result.Resumed);
        RowAssert.Identical(reference.Output.Latest.Rows, store[Scenario.Table].Latest.Rows);
        Assert.Contains(resumed.Quarantine.Records, r => r.UnitKey == "unit-01.txt" && r.RecordId == "r1");
        Assert.Contains(resumed.LogEntries, e => e.EventId.Id == 8);
    }
}
