using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Chunks;
using Connectomics.Storage.Parquet;
using Connectomics.Stores;
using ParquetSharp;

namespace Connectomics.Storage.Tests.Parquet;

public sealed class ParquetChunkSourceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ParquetChunkSource Source(string input, Action<ParquetChunkSourceOptions>? configure = null)
    {
        var options = new ParquetChunkSourceOptions { Inputs = { input } };
        configure?.Invoke(options);
        return new ParquetChunkSource(options);
    }

    /// <summary>The compressed bytes of a row group, summed from the footer with the low-level reader.</summary>
    private static long CompressedBytes(string path, int rowGroup)
    {
        using var reader = new ParquetFileReader(path);
        using var group = reader.RowGroup(rowGroup);
        return Enumerable.Range(0, group.MetaData.NumColumns).Sum(c => group.MetaData.GetColumnChunkMetaData(c).TotalCompressedSize);
    }

    [Fact]
    public async Task Each_row_group_is_a_unit_keyed_by_relative_path_and_index_in_file_order()
    {
        await ParquetTestFiles.WriteSequencesAsync(_dir.File("m1", "data", "b", "part.parquet"), "b", 5, rowGroupSize: 3);
        await ParquetTestFiles.WriteSequencesAsync(_dir.File("m1", "data", "a.parquet"), "a", 4, rowGroupSize: 4);

        var source = Source(_dir.File("m1", "data"));
        var units = await source.ListUnitsAsync();

        Assert.Equal(["a.parquet#0", "b/part.parquet#0", "b/part.parquet#1"], units.Select(u => u.Key));
        Assert.Equal([0, 1, 2], units.Select(u => u.Ordinal));
        Assert.Equal([4L, 3L, 2L], units.Select(u => u.Cost.Rows!.Value));
        Assert.Equal(
            [CompressedBytes(_dir.File("m1", "data", "a.parquet"), 0), CompressedBytes(_dir.File("m1", "data", "b", "part.parquet"), 0), CompressedBytes(_dir.File("m1", "data", "b", "part.parquet"), 1)],
            units.Select(u => u.Cost.Bytes));
        Assert.All(units, u => Assert.True(u.Cost.Bytes > 0));
        Assert.Equal(_dir.File("m1", "data"), source.InputRoot);

        // The same files mounted elsewhere, named by a glob this time, give the same units and records.
        foreach (var file in new[] { "a.parquet", "b/part.parquet" })
        {
            File.Copy(_dir.File("m1", "data", file), _dir.File("m2", "x", "y", file));
        }

        var moved = Source(_dir.File("m2", "x", "y", "**", "*.parquet"));
        Assert.Equal(units, await moved.ListUnitsAsync());
        Assert.Equal(
            ChunkReads.Describe(await ChunkReads.ReadAsync(source, units[2], 0, 10)),
            ChunkReads.Describe(await ChunkReads.ReadAsync(moved, units[2], 0, 10)));
        Assert.Equal(["b-003", "b-004"], (await ChunkReads.ReadAsync(moved, units[2], 0, 10)).SelectMany(c => c.Records).Select(r => r.Id));
    }

    [Fact]
    public async Task Reading_from_every_chunk_aligned_offset_gives_the_chunks_of_the_full_read()
    {
        await ParquetTestFiles.WriteSequencesAsync(_dir.File("s.parquet"), "s", 23, rowGroupSize: 13);
        var source = Source(_dir.File("s.parquet"), o => o.KeepAllOtherColumns = true);
        var units = await source.ListUnitsAsync();

        foreach (var unit in units)
        {
            foreach (var chunkSize in new[] { 1, 4, 5, 13, 100 })
            {
                await ChunkReads.AssertResumableAsync(source, unit, chunkSize);
            }
        }

        var second = await ChunkReads.ReadAsync(source, units[1], 0, 4);
        Assert.Equal([4, 4, 2], second.Select(c => c.Count));
        Assert.Equal("s-013", second[0].Records[0].Id);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await ChunkReads.ReadAsync(source, units[1], 11, 4));
    }

    [Fact]
    public async Task Null_ids_and_sequences_are_rejected_with_file_row_and_column()
    {
        var path = _dir.File("in", "nulls.parquet");
        ParquetTestFiles.WriteRaw(path, 3,
            ("id", ParquetTestFiles.Strings("a", "b", "c", null, "e", "f")),
            ("sequence", ParquetTestFiles.Strings("AC", "GG", "TT", "CA", null, "")));
        var source = Source(_dir.File("in"));
        var units = await source.ListUnitsAsync();

        var first = Assert.Single(await ChunkReads.ReadAsync(source, units[0], 0, 10));
        var second = Assert.Single(await ChunkReads.ReadAsync(source, units[1], 0, 10));

        Assert.Equal(["a", "b", "c"], first.Records.Select(r => r.Id));
        Assert.Empty(first.Rejected);
        Assert.Empty(second.Records);
        Assert.Equal(3, second.Count);
        Assert.Equal(
            [new RejectedRecord("nulls.parquet#1", 0, null, "the id is null") { File = "nulls.parquet", Row = 3, Column = "id", Content = "CA" },
             new RejectedRecord("nulls.parquet#1", 1, "e", "the sequence is null") { File = "nulls.parquet", Row = 4, Column = "sequence" },
             new RejectedRecord("nulls.parquet#1", 2, "f", "empty sequence") { File = "nulls.parquet", Row = 5, Column = "sequence" }],
            second.Rejected);
    }

    [Fact]
    public void A_record_the_pipeline_rejects_is_located_at_its_file_row_and_column()
    {
        ParquetTestFiles.WriteRaw(_dir.File("in", "sub", "reads.parquet"), 3,
            ("read_id", ParquetTestFiles.Strings("a", "b", "c", "d", "e")),
            ("bases", ParquetTestFiles.Strings("AC", "GG", "TT", "CA", "GA")));
        ParquetTestFiles.WriteRaw(_dir.File("in", "other.parquet"), 3,
            ("read_id", ParquetTestFiles.Strings("x")),
            ("bases", ParquetTestFiles.Strings("AC")));
        var source = Source(_dir.File("in"), o => { o.IdColumn = "read_id"; o.SequenceColumn = "bases"; });

        Assert.Equal(
            new RejectedRecord("sub/reads.parquet#1", 1, "e", "repeated") { File = "sub/reads.parquet", Row = 4, Column = "read_id" },
            source.Locate(new RejectedRecord("sub/reads.parquet#1", 1, "e", "repeated"), RecordField.Id));
        Assert.Equal(
            new RejectedRecord("other.parquet#0", 0, "x", "unknown") { File = "other.parquet", Row = 0, Column = "bases" },
            source.Locate(new RejectedRecord("other.parquet#0", 0, "x", "unknown"), RecordField.Content));
        var foreign = new RejectedRecord("elsewhere.parquet#0", 0, "x", "unknown");
        Assert.Same(foreign, source.Locate(foreign, RecordField.Content));
    }

    [Fact]
    public async Task Soft_masked_sequences_are_upper_cased_unless_the_case_is_kept()
    {
        var path = _dir.File("masked.parquet");
        ParquetTestFiles.WriteRaw(path, 10, ("id", ParquetTestFiles.Strings("g1")), ("sequence", ParquetTestFiles.Strings("ACgtnnAC")));

        var upper = Source(path);
        var kept = Source(path, o => o.UpperCase = false);

        Assert.Equal("ACGTNNAC", (await ChunkReads.ReadAsync(upper, (await upper.ListUnitsAsync())[0], 0, 10))[0].Records[0].Sequence);
        Assert.Equal("ACgtnnAC", (await ChunkReads.ReadAsync(kept, (await kept.ListUnitsAsync())[0], 0, 10))[0].Records[0].Sequence);
        Assert.Equal("upper", upper.Descriptor.Settings["case"]);
        Assert.Equal("keep", kept.Descriptor.Settings["case"]);
    }

    [Fact]
    public async Task Kept_columns_carry_their_types_in_the_descriptor_and_the_values()
    {
        var path = _dir.File("typed.parquet");
        var day = new DateOnly(2024, 2, 29);
        var instant = new DateTimeOffset(2024, 3, 1, 12, 30, 15, TimeSpan.Zero).AddTicks(1234560);
        ParquetTestFiles.WriteRaw(path, 10,
            ("id", ParquetTestFiles.Strings("r1")),
            ("sequence", ParquetTestFiles.Strings("ACGT")),
            ("i8", new Int8Array.Builder().Append(-3).Build()),
            ("u16", new UInt16Array.Builder().Append(65000).Build()),
            ("i32", new Int32Array.Builder().Append(7).Build()),
            ("u32", new UInt32Array.Builder().Append(4_000_000_000).Build()),
            ("i64", new Int64Array.Builder().Append(-9_000_000_000).Build()),
            ("f32", new FloatArray.Builder().Append(1.5f).Build()),
            ("f64", new DoubleArray.Builder().Append(2.25).Build()),
            ("flag", new BooleanArray.Builder().Append(true).Build()),
            ("day", new Date32Array.Builder().Append(day).Build()),
            ("at", new TimestampArray.Builder(new TimestampType(Apache.Arrow.Types.TimeUnit.Microsecond, "UTC")).Append(instant).Build()),
            ("taxonomy", ParquetTestFiles.Strings((string?)null)));

        var source = Source(path, o => o.KeepAllOtherColumns = true);
        var record = (await ChunkReads.ReadAsync(source, (await source.ListUnitsAsync())[0], 0, 10))[0].Records[0];

        Assert.Equal("parquet", source.Descriptor.Kind);
        Assert.Equal(
            [("i8", RecordColumnType.Int32), ("u16", RecordColumnType.Int32), ("i32", RecordColumnType.Int32), ("u32", RecordColumnType.Int64),
             ("i64", RecordColumnType.Int64), ("f32", RecordColumnType.Float), ("f64", RecordColumnType.Double), ("flag", RecordColumnType.Boolean),
             ("day", RecordColumnType.Date), ("at", RecordColumnType.Timestamp), ("taxonomy", RecordColumnType.String)],
            source.Descriptor.Columns.Select(c => (c.Name, c.Type)));
        Assert.Equal(-3, Assert.IsType<int>(record.Metadata["i8"]));
        Assert.Equal(65000, Assert.IsType<int>(record.Metadata["u16"]));
        Assert.Equal(7, Assert.IsType<int>(record.Metadata["i32"]));
        Assert.Equal(4_000_000_000L, Assert.IsType<long>(record.Metadata["u32"]));
        Assert.Equal(-9_000_000_000L, Assert.IsType<long>(record.Metadata["i64"]));
        Assert.Equal(1.5f, Assert.IsType<float>(record.Metadata["f32"]));
        Assert.Equal(2.25, Assert.IsType<double>(record.Metadata["f64"]));
        Assert.True(Assert.IsType<bool>(record.Metadata["flag"]));
        Assert.Equal(day, Assert.IsType<DateOnly>(record.Metadata["day"]));
        Assert.Equal(instant.AddTicks(-(instant.Ticks % 10)), Assert.IsType<DateTimeOffset>(record.Metadata["at"]));
        Assert.Null(record.Metadata["taxonomy"]);
        Assert.Equal("i8,u16,i32,u32,i64,f32,f64,flag,day,at,taxonomy", source.Descriptor.Settings["keptColumns"]);
        Assert.Equal(("id", "sequence", "true"), (source.Descriptor.Settings["idColumn"], source.Descriptor.Settings["sequenceColumn"], source.Descriptor.Settings["keepAllOtherColumns"]));

        var listed = Source(path, o => { o.KeptColumns = ["f64", "i8"]; });
        Assert.Equal(["f64", "i8"], listed.Descriptor.Columns.Select(c => c.Name));
    }

    [Fact]
    public async Task An_unsupported_or_differing_kept_column_names_the_file_and_column()
    {
        var wide = _dir.File("wide.parquet");
        ParquetTestFiles.WriteRaw(wide, 10,
            ("id", ParquetTestFiles.Strings("r1")), ("sequence", ParquetTestFiles.Strings("AC")), ("big", new UInt64Array.Builder().Append(1).Build()));
        ParquetTestFiles.WriteRaw(_dir.File("mixed", "a.parquet"), 10,
            ("id", ParquetTestFiles.Strings("r1")), ("sequence", ParquetTestFiles.Strings("AC")), ("depth", ParquetTestFiles.Ints(3)));
        ParquetTestFiles.WriteRaw(_dir.File("mixed", "b.parquet"), 10,
            ("id", ParquetTestFiles.Strings("r2")), ("sequence", ParquetTestFiles.Strings("AC")), ("depth", ParquetTestFiles.Strings("deep")));

        var unsupported = Assert.Throws<ParquetInputException>(() => Source(wide, o => o.KeptColumns = ["big"]).Descriptor);
        var differing = await Assert.ThrowsAsync<ParquetInputException>(async () => await Source(_dir.File("mixed"), o => o.KeptColumns = ["depth"]).ListUnitsAsync());
        var missing = await Assert.ThrowsAsync<ParquetInputException>(async () => await Source(wide, o => o.KeptColumns = ["taxonomy"]).ListUnitsAsync());

        Assert.Equal((ParquetInputError.ColumnType, wide, "big"), (unsupported.Error, unsupported.FilePath, unsupported.Column));
        Assert.Contains("uint64", unsupported.Message, StringComparison.Ordinal);
        Assert.Equal((ParquetInputError.ColumnType, _dir.File("mixed", "b.parquet")), (differing.Error, differing.FilePath));
        Assert.Equal((ParquetInputError.ColumnMissing, "taxonomy"), (missing.Error, missing.Column));
    }
}
