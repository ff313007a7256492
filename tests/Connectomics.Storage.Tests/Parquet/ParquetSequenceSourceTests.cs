using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Connectomics.Sequences;
using Connectomics.Storage.Parquet;

namespace Connectomics.Storage.Tests.Parquet;

public sealed class ParquetSequenceSourceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    internal static string Describe(SequenceRecord record) =>
        $"{record.Id}|{record.Sequence}|" + string.Join(",", record.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value}")));

    [Fact]
    public async Task Files_are_read_in_ordinal_path_order_in_batches_that_never_span_row_groups()
    {
        var b = await ParquetTestFiles.WriteSequencesAsync(_dir.File("b.parquet"), "b", 7, rowGroupSize: 4);
        var a = await ParquetTestFiles.WriteSequencesAsync(_dir.File("a.parquet"), "a", 5, rowGroupSize: 5);

        var batches = await ParquetTestFiles.ReadBatchesAsync(new ParquetSequenceSourceOptions
        {
            Inputs = { _dir.File("b.parquet"), _dir.File("a.parquet") },
            BatchSize = 3,
            MetadataColumns = { "n", "source" },
        });

        Assert.Equal(a.Concat(b).Select(Describe), batches.SelectMany(x => x.Records).Select(Describe));
        // a: one row group of 5 -> 3 + 2; b: row groups of 4 and 3 -> 3 + 1, 3.
        Assert.Equal([3, 2, 3, 1, 3], batches.Select(x => x.Records.Count));
        Assert.Equal(new ParquetReadPosition(_dir.File("a.parquet"), 0, 3), batches[0].Next);
        Assert.Equal(new ParquetReadPosition(_dir.File("a.parquet"), 1, 0), batches[1].Next);
        Assert.Equal(new ParquetReadPosition(_dir.File("b.parquet"), 0, 0), batches[2].Start);
        Assert.Equal(new ParquetReadPosition(_dir.File("b.parquet"), 1, 0), batches[3].Next);
        Assert.Equal(new ParquetReadPosition(_dir.File("b.parquet"), 2, 0), batches[4].Next);
    }

    [Fact]
    public async Task Metadata_columns_are_only_those_listed_or_all_others()
    {
        await ParquetTestFiles.WriteSequencesAsync(_dir.File("a.parquet"), "a", 2, rowGroupSize: 10);

        var none = await ParquetTestFiles.ReadAllAsync(new ParquetSequenceSourceOptions { Inputs = { _dir.Path } });
        var listed = await ParquetTestFiles.ReadAllAsync(new ParquetSequenceSourceOptions { Inputs = { _dir.Path }, MetadataColumns = { "source" } });
        var all = await ParquetTestFiles.ReadAllAsync(new ParquetSequenceSourceOptions { Inputs = { _dir.Path }, IncludeAllOtherColumns = true });

        Assert.Empty(none[1].Metadata);
        Assert.Equal(["source"], listed[1].Metadata.Keys);
        Assert.Equal(["n", "source"], all[1].Metadata.Keys);
        Assert.Equal(1, Assert.IsType<int>(all[1].Metadata["n"]));
        Assert.Equal("a", all[1].Metadata["source"]);
    }

    [Fact]
    public async Task Integer_id_columns_are_read_as_invariant_text()
    {
        var path = _dir.File("ids.parquet");
        ParquetTestFiles.WriteRaw(path, 10, ("id", ParquetTestFiles.Ints(-5, 12)), ("sequence", ParquetTestFiles.Strings("A", "C")));

        var records = await ParquetTestFiles.ReadAllAsync(new ParquetSequenceSourceOptions { Inputs = { path } });

        Assert.Equal(["-5", "12"], records.Select(r => r.Id));
    }

    [Fact]
    public async Task Directories_globs_and_lists_resolve_to_distinct_files_in_ordinal_order()
    {
        await ParquetTestFiles.WriteSequencesAsync(_dir.File("data", "x", "part-1.parquet"), "x1", 1, 10);
        await ParquetTestFiles.WriteSequencesAsync(_dir.File("data", "x", "part-0.parquet"), "x0", 1, 10);
        await ParquetTestFiles.WriteSequencesAsync(_dir.File("data", "y", "deep", "part-2.parquet"), "y2", 1, 10);
        await ParquetTestFiles.WriteSequencesAsync(_dir.File("data", "top.parquet"), "top", 1, 10);
        await ParquetTestFiles.WriteSequencesAsync(_dir.File("data", "other-0.parquet"), "other", 1, 10);
        await File.WriteAllTextAsync(_dir.File("data", "x", "_SUCCESS"), "");
        await ParquetTestFiles.WriteSequencesAsync(_dir.File("data", ".staging", "part-9.parquet"), "hidden-dir", 1, 10);
        await ParquetTestFiles.WriteSequencesAsync(_dir.File("data", "x", ".part-8.parquet"), "hidden-file", 1, 10);

        string[] Ids(List<SequenceRecord> records) => [.. records.Select(r => r.Id)];
        async Task<string[]> Read(params string[] inputs) =>
            Ids(await ParquetTestFiles.ReadAllAsync(new ParquetSequenceSourceOptions { Inputs = [.. inputs] }));

        var data = Path.Combine(_dir.Path, "data");
        Assert.Equal(["other-000", "top-000", "x0-000", "x1-000", "y2-000"], await Read(data));
        Assert.Equal(["other-000", "top-000"], await Read(Path.Combine(data, "*.parquet")));
        Assert.Equal(["x0-000", "x1-000", "y2-000"], await Read(Path.Combine(data, "**", "part-*.parquet")));
        Assert.Equal(["x0-000", "x1-000"], await Read(Path.Combine(data, "?", "part-?.parquet")));
        Assert.Equal(["top-000", "x0-000", "x1-000"], await Read(
            Path.Combine(data, "x"), Path.Combine(data, "top.parquet"), Path.Combine(data, "x", "part-0.parquet")));
    }

    [Fact]
    public async Task Resuming_from_any_row_continues_without_loss_or_duplicates()
    {
        await ParquetTestFiles.WriteSequencesAsync(_dir.File("0.parquet"), "f0", 11, rowGroupSize: 4);
        await ParquetTestFiles.WriteSequencesAsync(_dir.File("1.parquet"), "f1", 3, rowGroupSize: 3);
        await ParquetTestFiles.WriteSequencesAsync(_dir.File("2.parquet"), "f2", 6, rowGroupSize: 2);
        ParquetSequenceSourceOptions Options(ParquetReadPosition? start) => new()
        {
            Inputs = { Path.Combine(_dir.Path, "*.parquet") },
            BatchSize = 3,
            IncludeAllOtherColumns = true,
            StartPosition = start,
        };

        var batches = await ParquetTestFiles.ReadBatchesAsync(Options(null));
        var full = batches.SelectMany(b => b.Records).Select(Describe).ToList();
        Assert.Equal(20, full.Count);

        // The position of every single row, derived from the batch starts (offsets within a row group).
        var rowPositions = batches.SelectMany(b => b.Records.Select((_, i) => new ParquetReadPosition(b.Start.FilePath, b.Start.RowGroup, b.Start.RowOffset + i))).ToList();
        for (var r = 0; r < full.Count; r++)
        {
            var rest = await ParquetTestFiles.ReadAllAsync(Options(rowPositions[r]));
            Assert.Equal(full.Skip(r), rest.Select(Describe));
        }

        // Every batch's Next position (row-group and file boundaries among them), also through the compact and JSON forms.
        var consumed = 0;
        foreach (var batch in batches)
        {
            consumed += batch.Records.Count;
            var viaString = ParquetReadPosition.Parse(batch.Next.ToString());
            var viaJson = System.Text.Json.JsonSerializer.Deserialize<ParquetReadPosition>(System.Text.Json.JsonSerializer.Serialize(batch.Next))!;
            Assert.Equal(batch.Next, viaString);
            Assert.Equal(batch.Next, viaJson);
            var rest = await ParquetTestFiles.ReadAllAsync(Options(viaJson));
            Assert.Equal(full.Skip(consumed), rest.Select(Describe));
        }

        // File boundaries written either way: after the last row group of file 0, or the start of file 1.
        var endOfFirst = await ParquetTestFiles.ReadAllAsync(Options(new ParquetReadPosition(_dir.File("0.parquet"), 3, 0)));
        var startOfSecond = await ParquetTestFiles.ReadAllAsync(Options(new ParquetReadPosition(_dir.File("1.parquet"), 0, 0)));
        Assert.Equal(full.Skip(11), endOfFirst.Select(Describe));
        Assert.Equal(full.Skip(11), startOfSecond.Select(Describe));

        // The end of a row group written as its row count is the start of the next one.
        var endOfGroup = await ParquetTestFiles.ReadAllAsync(Options(new ParquetReadPosition(_dir.File("0.parquet"), 0, 4)));
        Assert.Equal(full.Skip(4), endOfGroup.Select(Describe));
    }

    [Fact]
    public async Task The_last_position_of_a_full_read_resumes_to_nothing()
    {
        await ParquetTestFiles.WriteSequencesAsync(_dir.File("only.parquet"), "o", 5, rowGroupSize: 2);
        var options = new ParquetSequenceSourceOptions { Inputs = { _dir.File("only.parquet") }, BatchSize = 10 };
        var batches = await ParquetTestFiles.ReadBatchesAsync(options);
        Assert.Equal(new ParquetReadPosition(_dir.File("only.parquet"), 3, 0), batches[^1].Next);

        options.StartPosition = batches[^1].Next;
        Assert.Empty(await ParquetTestFiles.ReadAllAsync(options));
    }

    [Fact]
    public void Positions_have_a_compact_string_form_that_keeps_colons_in_paths()
    {
        var position = new ParquetReadPosition("/data/run:1/part-0.parquet", 12, 345);

        Assert.Equal("12:345:/data/run:1/part-0.parquet", position.ToString());
        Assert.Equal(position, ParquetReadPosition.Parse(position.ToString()));
        Assert.False(ParquetReadPosition.TryParse("12:x:/a.parquet", out _));
        Assert.False(ParquetReadPosition.TryParse("-1:0:/a.parquet", out _));
        Assert.Throws<FormatException>(() => ParquetReadPosition.Parse("/a.parquet"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParquetReadPosition("/a.parquet", 0, -1));
    }

    [Fact]
    public async Task Enumeration_stops_when_cancelled()
    {
        await ParquetTestFiles.WriteSequencesAsync(_dir.File("a.parquet"), "a", 10, rowGroupSize: 2);
        using var cts = new CancellationTokenSource();
        var source = new ParquetSequenceSource(new ParquetSequenceSourceOptions { Inputs = { _dir.Path }, BatchSize = 1 });
        var seen = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var batch in source.ReadBatchesAsync(cts.Token))
            {
                seen++;
                await cts.CancelAsync();
            }
        });
        Assert.Equal(1, seen);
    }

    [Fact]
    public void Invalid_options_are_reported_together_naming_the_options_type()
    {
        var options = new ParquetSequenceSourceOptions
        {
            IdColumn = "x",
            SequenceColumn = "x",
            MetadataColumns = { "m", "m", "x" },
            IncludeAllOtherColumns = true,
        };

        var error = Assert.Throws<ValidationException>(() => new ParquetSequenceSource(options));

        Assert.StartsWith(nameof(ParquetSequenceSourceOptions), error.Message, StringComparison.Ordinal);
        Assert.Contains("Inputs is empty", error.Message, StringComparison.Ordinal);
        Assert.Contains("are both 'x'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'m' more than once", error.Message, StringComparison.Ordinal);
        Assert.Contains("lists the id or sequence column", error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be combined", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.BatchSize = 0);
    }

    [Fact]
    public async Task Later_changes_to_the_options_do_not_affect_a_source()
    {
        await ParquetTestFiles.WriteSequencesAsync(_dir.File("a.parquet"), "a", 3, rowGroupSize: 2);
        var options = new ParquetSequenceSourceOptions { Inputs = { _dir.File("a.parquet") } };
        var source = new ParquetSequenceSource(options);

        options.Inputs.Add(_dir.File("missing.parquet"));
        options.SequenceColumn = "nope";

        Assert.Equal([_dir.File("a.parquet")], source.ResolveFiles());
        var count = 0;
        await foreach (var record in source.ReadAsync())
        {
            count++;
        }

        Assert.Equal(3, count);
    }
}
