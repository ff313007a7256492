using System.ComponentModel.DataAnnotations;
using Connectomics.Sequences;
using Connectomics.Storage.Parquet;

namespace Connectomics.Storage.Tests.Parquet;

public sealed class ParquetSequenceWriterTests : IDisposable
{
    private static readonly ParquetMetadataColumn[] AllTypes =
    [
        new("s", ParquetMetadataType.String),
        new("i32", ParquetMetadataType.Int32),
        new("i64", ParquetMetadataType.Int64),
        new("f", ParquetMetadataType.Float),
        new("d", ParquetMetadataType.Double),
        new("b", ParquetMetadataType.Boolean),
        new("day", ParquetMetadataType.Date),
        new("t", ParquetMetadataType.Timestamp),
    ];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static SequenceRecord Record(string id, string sequence, params (string Key, object? Value)[] metadata) =>
        new(id, sequence) { Metadata = metadata.ToDictionary(m => m.Key, m => m.Value) };

    private ParquetSequenceWriterOptions Options(string name, params ParquetMetadataColumn[] columns)
    {
        var options = new ParquetSequenceWriterOptions { Path = _dir.File(name), RowGroupSize = 3 };
        foreach (var column in columns)
        {
            options.MetadataColumns.Add(column);
        }

        return options;
    }

    [Fact]
    public async Task Every_supported_type_and_null_round_trips_through_writer_and_reader()
    {
        var instant = new DateTimeOffset(2024, 2, 29, 23, 59, 58, TimeSpan.FromHours(2)).AddTicks(1234560);
        var records = new[]
        {
            Record("r0", "ACGT", ("s", "plain"), ("i32", int.MinValue), ("i64", long.MaxValue), ("f", 1.5f), ("d", Math.PI), ("b", true), ("day", new DateOnly(1969, 12, 31)), ("t", instant)),
            Record("r1", "", ("s", ""), ("i32", 0), ("i64", -1L), ("f", float.NaN), ("d", double.NegativeInfinity), ("b", false), ("day", new DateOnly(2100, 1, 1)), ("t", DateTimeOffset.UnixEpoch)),
            Record("r2", "NNNN", ("s", null), ("i32", null), ("i64", null), ("f", null), ("d", null), ("b", null), ("day", null), ("t", null)),
            Record("r3", "acgtn", ("s", "ünïcödé ✓")),
            Record("r4", "T", ("i32", (short)7), ("i64", 42), ("d", 0.25f), ("t", new DateTime(2001, 9, 9, 1, 46, 40, DateTimeKind.Utc))),
            Record("r5", "G", ("t", new DateTime(2001, 9, 9, 1, 46, 40, DateTimeKind.Unspecified))),
            Record("r6", "C", ("i32", int.MaxValue), ("i64", long.MinValue), ("f", float.MaxValue), ("d", double.Epsilon)),
        };
        var options = Options("all.parquet", AllTypes);

        await using (var writer = new ParquetSequenceWriter(options))
        {
            await writer.WriteAsync(records.Take(2));
            foreach (var record in records.Skip(2))
            {
                await writer.WriteAsync(record);
            }

            Assert.Equal(7, writer.RecordsWritten);
            await writer.CompleteAsync();
        }

        Assert.Equal([3L, 3L, 1L], ParquetTestFiles.RowGroupSizes(options.Path));
        var read = await ParquetTestFiles.ReadAllAsync(new ParquetSequenceSourceOptions { Inputs = { options.Path }, IncludeAllOtherColumns = true });

        Assert.Equal(records.Select(r => (r.Id, r.Sequence)), read.Select(r => (r.Id, r.Sequence)));
        Assert.All(read, r => Assert.Equal(AllTypes.Select(c => c.Name), r.Metadata.Keys));

        var first = read[0].Metadata;
        Assert.Equal("plain", first["s"]);
        Assert.Equal(int.MinValue, Assert.IsType<int>(first["i32"]));
        Assert.Equal(long.MaxValue, Assert.IsType<long>(first["i64"]));
        Assert.Equal(1.5f, Assert.IsType<float>(first["f"]));
        Assert.Equal(Math.PI, Assert.IsType<double>(first["d"]));
        Assert.True(Assert.IsType<bool>(first["b"]));
        Assert.Equal(new DateOnly(1969, 12, 31), Assert.IsType<DateOnly>(first["day"]));
        var t = Assert.IsType<DateTimeOffset>(first["t"]);
        Assert.Equal(TimeSpan.Zero, t.Offset);
        // Microsecond precision: the sub-microsecond tick is truncated, the instant is otherwise kept.
        Assert.Equal(instant.UtcTicks - (instant.UtcTicks % 10), t.UtcTicks);

        var second = read[1].Metadata;
        Assert.Equal("", second["s"]);
        Assert.True(float.IsNaN(Assert.IsType<float>(second["f"])));
        Assert.Equal(double.NegativeInfinity, second["d"]);
        Assert.False(Assert.IsType<bool>(second["b"]));
        Assert.Equal(DateTimeOffset.UnixEpoch, second["t"]);

        Assert.All(read[2].Metadata.Values, Assert.Null);
        Assert.Equal("ünïcödé ✓", read[3].Metadata["s"]);
        Assert.Null(read[3].Metadata["i32"]);

        Assert.Equal(7, Assert.IsType<int>(read[4].Metadata["i32"]));
        Assert.Equal(42L, Assert.IsType<long>(read[4].Metadata["i64"]));
        Assert.Equal(0.25, Assert.IsType<double>(read[4].Metadata["d"]));
        var utc = new DateTimeOffset(2001, 9, 9, 1, 46, 40, TimeSpan.Zero);
        Assert.Equal(utc, read[4].Metadata["t"]);
        Assert.Equal(utc, read[5].Metadata["t"]);

        Assert.Equal(int.MaxValue, read[6].Metadata["i32"]);
        Assert.Equal(long.MinValue, read[6].Metadata["i64"]);
        Assert.Equal(float.MaxValue, read[6].Metadata["f"]);
        Assert.Equal(double.Epsilon, read[6].Metadata["d"]);
    }

    [Fact]
    public async Task Local_times_are_converted_to_utc()
    {
        var local = new DateTime(2020, 6, 1, 12, 0, 0, DateTimeKind.Local);
        var options = Options("local.parquet", new ParquetMetadataColumn("t", ParquetMetadataType.Timestamp));
        await using (var writer = new ParquetSequenceWriter(options))
        {
            await writer.WriteAsync(Record("a", "A", ("t", local)));
            await writer.CompleteAsync();
        }

        var read = await ParquetTestFiles.ReadAllAsync(new ParquetSequenceSourceOptions { Inputs = { options.Path }, MetadataColumns = { "t" } });

        Assert.Equal(new DateTimeOffset(local.ToUniversalTime(), TimeSpan.Zero), read[0].Metadata["t"]);
    }

    [Fact]
    public async Task The_file_appears_only_on_complete_and_no_temporary_file_remains()
    {
        var options = Options("out.parquet");
        await using (var writer = new ParquetSequenceWriter(options))
        {
            await writer.WriteAsync(Enumerable.Range(0, 10).Select(i => new SequenceRecord($"r{i}", "ACGT")));
            Assert.False(File.Exists(options.Path));
            var temporary = Assert.Single(Directory.GetFiles(_dir.Path));
            Assert.StartsWith(".out.parquet.", Path.GetFileName(temporary), StringComparison.Ordinal);
            Assert.EndsWith(".tmp", temporary, StringComparison.Ordinal);

            await writer.CompleteAsync();

            Assert.Equal(Path.GetFullPath(options.Path), writer.FilePath);
            await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync(new SequenceRecord("late", "A")).AsTask());
        }

        Assert.Equal([options.Path], Directory.GetFiles(_dir.Path));
        Assert.Equal([3L, 3L, 3L, 1L], ParquetTestFiles.RowGroupSizes(options.Path));
    }

    [Fact]
    public async Task Disposing_without_complete_removes_the_partial_file_and_never_throws()
    {
        var options = Options("abandoned.parquet");
        var writer = new ParquetSequenceWriter(options);
        await writer.WriteAsync(Enumerable.Range(0, 7).Select(i => new SequenceRecord($"r{i}", "ACGT")));

        await writer.DisposeAsync();
        await writer.DisposeAsync();

        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public async Task An_existing_target_is_kept_unless_overwrite_is_on()
    {
        var options = Options("exists.parquet");
        await File.WriteAllTextAsync(options.Path, "old");

        var refused = Assert.Throws<ParquetOutputException>(() => new ParquetSequenceWriter(options));
        Assert.Equal($"'{options.Path}': the file already exists and overwriting is off.", refused.Message);
        Assert.Equal("old", await File.ReadAllTextAsync(options.Path));

        options.Overwrite = true;
        await using (var writer = new ParquetSequenceWriter(options))
        {
            await writer.WriteAsync(new SequenceRecord("new", "A"));
            await writer.CompleteAsync();
        }

        var read = await ParquetTestFiles.ReadAllAsync(new ParquetSequenceSourceOptions { Inputs = { options.Path } });
        Assert.Equal("new", Assert.Single(read).Id);
    }

    [Fact]
    public async Task A_failed_commit_leaves_the_target_unchanged_and_dispose_cleans_up()
    {
        var options = Options("raced.parquet");
        var writer = new ParquetSequenceWriter(options);
        await writer.WriteAsync(new SequenceRecord("r", "A"));
        await File.WriteAllTextAsync(options.Path, "written meanwhile");

        var error = await Assert.ThrowsAsync<ParquetOutputException>(() => writer.CompleteAsync());
        await writer.DisposeAsync();

        Assert.StartsWith($"'{options.Path}': the file cannot be moved into place (", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<IOException>(error.InnerException);
        Assert.Equal("written meanwhile", await File.ReadAllTextAsync(options.Path));
        Assert.Equal([options.Path], Directory.GetFiles(_dir.Path));
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CompleteAsync());
    }

    [Fact]
    public async Task Records_that_do_not_fit_the_columns_are_named_and_earlier_records_are_kept()
    {
        var options = Options("strict.parquet", new ParquetMetadataColumn("score", ParquetMetadataType.Double));
        await using var writer = new ParquetSequenceWriter(options);
        await writer.WriteAsync(Record("ok", "A", ("score", 1.0)));

        var wrongType = await Assert.ThrowsAsync<ParquetOutputException>(() => writer.WriteAsync(Record("bad", "A", ("score", "high"))).AsTask());
        var unknownKey = await Assert.ThrowsAsync<ParquetOutputException>(() => writer.WriteAsync(Record("extra", "A", ("score", 2.0), ("lane", 3))).AsTask());
        var nullSequence = await Assert.ThrowsAsync<ParquetOutputException>(() => writer.WriteAsync(new SequenceRecord("none", null!)).AsTask());

        Assert.Equal($"'{writer.FilePath}', record 'bad', column 'score': a String value cannot be written to a Double column.", wrongType.Message);
        Assert.Equal(("bad", "score"), (wrongType.RecordId, wrongType.Column));
        Assert.Equal($"'{writer.FilePath}', record 'extra': the metadata has keys that are not columns of the file: 'lane'.", unknownKey.Message);
        Assert.Equal("sequence", nullSequence.Column);
        Assert.IsAssignableFrom<ConnectomicsException>(nullSequence);

        await writer.CompleteAsync();
        var read = await ParquetTestFiles.ReadAllAsync(new ParquetSequenceSourceOptions { Inputs = { options.Path }, MetadataColumns = { "score" } });
        Assert.Equal("ok", Assert.Single(read).Id);
    }

    [Fact]
    public void Invalid_writer_options_are_reported_together()
    {
        var options = new ParquetSequenceWriterOptions
        {
            IdColumn = "id",
            SequenceColumn = "seq",
            MetadataColumns = { new("seq", ParquetMetadataType.String), new("x", (ParquetMetadataType)99), new(" ", ParquetMetadataType.Int32) },
        };

        var error = Assert.Throws<ValidationException>(() => new ParquetSequenceWriter(options));

        Assert.StartsWith(nameof(ParquetSequenceWriterOptions), error.Message, StringComparison.Ordinal);
        Assert.Contains("Path", error.Message, StringComparison.Ordinal);
        Assert.Contains("repeats a column name ('seq')", error.Message, StringComparison.Ordinal);
        Assert.Contains("undefined type for 'x'", error.Message, StringComparison.Ordinal);
        Assert.Contains("empty entry or name", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.RowGroupSize = 0);
    }

    [Fact]
    public void A_missing_directory_is_named()
    {
        var path = Path.Combine(_dir.Path, "no", "such", "dir", "x.parquet");

        var error = Assert.Throws<ParquetOutputException>(() => new ParquetSequenceWriter(new ParquetSequenceWriterOptions { Path = path }));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }
}
