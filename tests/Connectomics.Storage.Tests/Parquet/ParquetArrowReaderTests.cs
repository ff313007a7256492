using Apache.Arrow;
using Connectomics.Storage.Parquet;

namespace Connectomics.Storage.Tests.Parquet;

public sealed class ParquetArrowReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Writes ids 0..count-1 and a text column in row groups of <paramref name="rowGroupSize"/>.</summary>
    private string WriteIds(string name, int count, int rowGroupSize)
    {
        var path = _dir.File(name);
        ParquetTestFiles.WriteRaw(path, rowGroupSize,
            ("id", ParquetTestFiles.Ints([.. Enumerable.Range(0, count)])),
            ("text", ParquetTestFiles.Strings([.. Enumerable.Range(0, count).Select(i => $"t{i}")])));
        return path;
    }

    private static async Task<List<(List<int> Ids, ParquetReadPosition Start, ParquetReadPosition Next)>> ReadAll(ParquetArrowReader reader, ParquetReadPosition? start = null)
    {
        var batches = new List<(List<int>, ParquetReadPosition, ParquetReadPosition)>();
        await foreach (var batch in reader.ReadAsync(start))
        {
            using (batch)
            {
                var ids = (Int32Array)batch.RecordBatch.Column("id");
                Assert.Equal(batch.Length, ids.Length);
                batches.Add(([.. Enumerable.Range(0, ids.Length).Select(i => ids.GetValue(i)!.Value)], batch.Start, batch.Next));
            }
        }

        return batches;
    }

    [Fact]
    public async Task Reads_every_column_in_batches_within_row_groups_with_their_positions()
    {
        var path = WriteIds("a.parquet", 25, rowGroupSize: 10);
        using var reader = ParquetArrowReader.Open(path, batchSize: 4);

        Assert.Equal(path, reader.FilePath);
        Assert.Equal(["id", "text"], reader.Schema.FieldsList.Select(f => f.Name));
        Assert.Equal([10L, 10L, 5L], reader.RowGroupRowCounts);
        Assert.Equal(25, reader.RowCount);
        var batches = await ReadAll(reader);

        Assert.Equal(Enumerable.Range(0, 25), batches.SelectMany(b => b.Ids));
        Assert.Equal([4, 4, 2, 4, 4, 2, 4, 1], batches.Select(b => b.Ids.Count));
        Assert.Equal(new ParquetReadPosition(path, 0, 0), batches[0].Start);
        Assert.Equal(new ParquetReadPosition(path, 0, 4), batches[0].Next);
        Assert.Equal(new ParquetReadPosition(path, 1, 0), batches[2].Next);
        Assert.Equal(new ParquetReadPosition(path, 1, 8), batches[5].Start);
        Assert.Equal(new ParquetReadPosition(path, 3, 0), batches[^1].Next);
        for (var i = 1; i < batches.Count; i++)
        {
            Assert.Equal(batches[i - 1].Next, batches[i].Start);
        }
    }

    [Fact]
    public async Task Resuming_from_any_position_reads_the_rest_without_losing_or_repeating_a_row()
    {
        var path = WriteIds("a.parquet", 25, rowGroupSize: 10);
        using var reader = ParquetArrowReader.Open(path, batchSize: 4);
        for (var rowGroup = 0; rowGroup <= 2; rowGroup++)
        {
            for (var row = 0; row <= (rowGroup < 2 ? 10 : 5); row++)
            {
                var first = (rowGroup * 10) + row;
                var rest = await ReadAll(reader, new ParquetReadPosition(path, rowGroup, row));
                Assert.Equal(Enumerable.Range(first, 25 - first), rest.SelectMany(b => b.Ids));
                Assert.All(rest, b => Assert.NotEmpty(b.Ids));
            }
        }

        Assert.Empty(await ReadAll(reader, new ParquetReadPosition(path, 3, 0)));
    }

    [Fact]
    public async Task A_position_of_another_file_or_past_the_end_is_refused_naming_the_file()
    {
        var path = WriteIds("a.parquet", 5, rowGroupSize: 10);
        using var reader = ParquetArrowReader.Open(path);

        var other = await Assert.ThrowsAsync<ParquetInputException>(() => ReadAll(reader, new ParquetReadPosition(_dir.File("b.parquet"), 0, 0)));
        Assert.Equal((ParquetInputError.InvalidPosition, path), (other.Error, other.FilePath));
        Assert.Contains("b.parquet", other.Message, StringComparison.Ordinal);

        var pastRow = await Assert.ThrowsAsync<ParquetInputException>(() => ReadAll(reader, new ParquetReadPosition(path, 0, 6)));
        Assert.Equal((ParquetInputError.InvalidPosition, 0, 6L), (pastRow.Error, pastRow.RowGroup, pastRow.Row));

        var pastFile = await Assert.ThrowsAsync<ParquetInputException>(() => ReadAll(reader, new ParquetReadPosition(path, 2, 0)));
        Assert.Equal(ParquetInputError.InvalidPosition, pastFile.Error);
    }

    [Fact]
    public void Missing_and_non_parquet_files_are_named()
    {
        var missing = Assert.Throws<ParquetInputException>(() => ParquetArrowReader.Open(_dir.File("missing.parquet")));
        Assert.Equal((ParquetInputError.FileNotFound, _dir.File("missing.parquet")), (missing.Error, missing.FilePath));

        var notes = _dir.File("notes.parquet");
        File.WriteAllText(notes, "id,vector\n1,0.5\n");
        var notParquet = Assert.Throws<ParquetInputException>(() => ParquetArrowReader.Open(notes));
        Assert.Equal(ParquetInputError.NotParquet, notParquet.Error);
        Assert.StartsWith($"'{notes}': ", notParquet.Message, StringComparison.Ordinal);

        var truncated = _dir.File("truncated.parquet");
        File.WriteAllBytes(truncated, [.. File.ReadAllBytes(WriteIds("whole.parquet", 5, 10)).Take(40)]);
        Assert.Equal(ParquetInputError.Corrupt, Assert.Throws<ParquetInputException>(() => ParquetArrowReader.Open(truncated)).Error);
    }

    [Fact]
    public async Task Batches_outlive_the_reader_until_disposed_and_dispose_twice()
    {
        var path = WriteIds("a.parquet", 3, rowGroupSize: 10);
        ParquetArrowBatch batch;
        using (var reader = ParquetArrowReader.Open(path))
        {
            await using var batches = reader.ReadAsync().GetAsyncEnumerator();
            Assert.True(await batches.MoveNextAsync());
            batch = batches.Current;
        }

        Assert.Equal("t2", ((StringArray)batch.RecordBatch.Column("text")).GetString(2));
        batch.Dispose();
        batch.Dispose();
    }
}
