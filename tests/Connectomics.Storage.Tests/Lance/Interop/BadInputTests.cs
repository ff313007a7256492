using System.Security.Cryptography;
using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Storage.Lance;

namespace Connectomics.Storage.Tests.Lance.Interop;

/// <summary>Bad rows are refused with errors that say what is wrong where, and leave the existing table as it was.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-bad-");
    private readonly string _path;

    public BadInputTests() => _path = Path.Combine(_db.FullName, "t.lance");

    public void Dispose() => _db.Delete(recursive: true);

    private static LanceWriteOptions Append => new() { Mode = LanceWriteMode.Append };

    /// <summary>Every file of the table with a hash of its bytes.</summary>
    internal static SortedDictionary<string, string> Snapshot(string tablePath) => new(
        Directory.GetFiles(tablePath, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(tablePath, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))),
        StringComparer.Ordinal);

    private async Task<(SortedDictionary<string, string> Files, List<string> Rows)> CreateAsync()
    {
        await using (var writer = await LanceTableWriter.OpenAsync(_path, SampleBatches.VectorSchema(4)))
        {
            await writer.WriteAsync(SampleBatches.Vectors(0, 6, 4));
            await writer.CompleteAsync();
        }

        return (Snapshot(_path), (await TableReads.OursAsync(_path)).Rows);
    }

    private async Task AssertUnchangedAsync((SortedDictionary<string, string> Files, List<string> Rows) before)
    {
        Assert.Equal(before.Files, Snapshot(_path));
        Assert.Equal(before.Rows, await TableReads.AssertBothReadAsync(_path, 1));
    }

    private static RecordBatch VectorRows(int count, int dimension, Func<int, int, float> value)
    {
        var ids = new StringArray.Builder();
        var rows = new float[count][];
        for (var r = 0; r < count; r++)
        {
            ids.Append($"new_{r}");
            rows[r] = [.. Enumerable.Range(0, dimension).Select(j => value(r, j))];
        }

        return new RecordBatch(SampleBatches.VectorSchema(dimension), [ids.Build(), SampleBatches.VectorArray(rows, dimension)], count);
    }

    [Fact]
    public async Task A_batch_of_another_vector_dimension_names_both_dimensions_and_the_column()
    {
        var before = await CreateAsync();
        await using (var writer = await LanceTableWriter.OpenAsync(_path, SampleBatches.VectorSchema(4), Append))
        {
            await writer.WriteAsync(SampleBatches.Vectors(100, 2, 4));
            var error = await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteAsync(SampleBatches.Vectors(0, 2, 8)));
            Assert.StartsWith(_path + ": Column 'vector' of the batch holds vectors of dimension 8, but the table's column 'vector' has dimension 4", error.Message, StringComparison.Ordinal);
        }

        await AssertUnchangedAsync(before);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public async Task Non_finite_vector_values_are_refused_with_the_row_of_the_write(float bad, string shown)
    {
        var before = await CreateAsync();
        await using (var writer = await LanceTableWriter.OpenAsync(_path, SampleBatches.VectorSchema(4), Append))
        {
            await writer.WriteAsync(SampleBatches.Vectors(100, 3, 4));
            var error = await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteAsync(VectorRows(4, 4, (r, j) => r == 2 && j == 3 ? bad : 1)));
            Assert.Equal($"{_path}: Column 'vector' has {shown} at row 5 of the write (item 3); set LanceWriteOptions.NonFiniteVectors to Allow to store non-finite values. (Parameter 'batch')", error.Message);

            // Nothing of the refused batch was taken; the writer goes on.
            await writer.WriteAsync(SampleBatches.Vectors(103, 1, 4));
            Assert.Equal(4, writer.RowsWritten);
        }

        await AssertUnchangedAsync(before);
    }

    [Fact]
    public async Task Non_finite_values_under_null_rows_are_not_looked_at_and_rows_of_sliced_batches_are_counted_right()
    {
        await using var writer = await LanceTableWriter.OpenAsync(_path, SampleBatches.WideSchema(2));
        var batch = SampleBatches.Wide(0, 4, 2);
        var validity = new ArrowBuffer.BitmapBuilder().Append(false).Append(true).Append(true).Append(true).Build();
        var values = new FloatArray.Builder().AppendRange([float.NaN, float.NaN, 1, 2, float.NaN, 1, 3, 4]).Build();
        var type = new FixedSizeListType(new Field("item", FloatType.Default, true), 2);
        var columns = Enumerable.Range(0, batch.ColumnCount).Select(batch.Column).ToArray();
        columns[^1] = new FixedSizeListArray(new ArrayData(type, 4, 1, 0, [validity], [values.Data]));
        var rows = new RecordBatch(batch.Schema, columns, 4);

        await writer.WriteAsync(rows.Slice(0, 2));
        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteAsync(rows.Slice(1, 3)));
        Assert.Contains("NaN at row 3 of the write (item 0)", error.Message, StringComparison.Ordinal);
        await writer.WriteAsync(rows.Slice(3, 1));
        Assert.Equal(3, writer.RowsWritten);
        await writer.CompleteAsync();
        Assert.Equal(3, (await LanceTable.OpenAsync(_path)).RowCount);
    }

    [Fact]
    public async Task Allowed_non_finite_values_are_stored_and_both_clients_read_them()
    {
        var before = await CreateAsync();
        await using (var writer = await LanceTableWriter.OpenAsync(_path, SampleBatches.VectorSchema(4), new LanceWriteOptions { Mode = LanceWriteMode.Append, NonFiniteVectors = LanceNonFiniteVectors.Allow }))
        {
            await writer.WriteAsync(VectorRows(2, 4, (r, j) => (r, j) switch { (0, 0) => float.NaN, (0, 3) => float.PositiveInfinity, (1, 1) => float.NegativeInfinity, _ => j }));
            Assert.Equal(2UL, await writer.CompleteAsync());
        }

        var rows = await TableReads.AssertBothReadAsync(_path, 2);
        Assert.Equal([.. before.Rows, "new_0|NaN,1,2,Infinity", "new_1|0,-Infinity,2,3"], rows);
    }

    [Fact]
    public async Task A_null_in_a_not_null_column_names_the_row()
    {
        var before = await CreateAsync();
        await using (var writer = await LanceTableWriter.OpenAsync(_path, SampleBatches.VectorSchema(4), Append))
        {
            await writer.WriteAsync(SampleBatches.Vectors(100, 2, 4));
            var batch = new RecordBatch(SampleBatches.VectorSchema(4), [SampleBatches.Vectors(0, 3, 4).Column(0), SampleBatches.VectorArray([[1, 2, 3, 4], null, null], 4)], 3);
            var error = await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteAsync(batch));
            Assert.StartsWith($"{_path}: Column 'vector' is not nullable, but row 3 of the write is null.", error.Message, StringComparison.Ordinal);
        }

        await AssertUnchangedAsync(before);
    }

    public static TheoryData<string, string[], string> AppendSchemas => new()
    {
        { "missing", ["id:utf8:false"], "the rows lack column(s) 'vector' of the table" },
        { "extra", ["id:utf8:false", "vector:fsl4:false", "score:double:true"], "the rows have column(s) 'score' the table does not have" },
        { "order", ["vector:fsl4:false", "id:utf8:false"], "the columns are in another order ('vector', 'id'; the table has 'id', 'vector')" },
        { "type", ["id:int64:false", "vector:fsl4:false"], "column 'id' is string in the table but int64 in the rows" },
        { "dimension", ["id:utf8:false", "vector:fsl8:false"], "column 'vector' is fixed_size_list:float:4 in the table but fixed_size_list:float:8 in the rows (vector dimension 4 in the table, 8 in the rows)" },
        { "item type", ["id:utf8:false", "vector:fsl4double:false"], "column 'vector' is fixed_size_list:float:4 in the table but fixed_size_list:double:4 in the rows" },
        { "nullability", ["id:utf8:true", "vector:fsl4:false"], "column 'id' is string not null in the table but string nullable in the rows" },
    };

    [Theory]
    [MemberData(nameof(AppendSchemas))]
    public async Task Appending_another_schema_names_the_differing_field_and_both_types(string what, string[] columns, string expected)
    {
        var before = await CreateAsync();
        var builder = new Schema.Builder();
        foreach (var column in columns)
        {
            var parts = column.Split(':');
            IArrowType type = parts[1] switch
            {
                "utf8" => StringType.Default,
                "int64" => Int64Type.Default,
                "double" => DoubleType.Default,
                "fsl4" => new FixedSizeListType(new Field("item", FloatType.Default, true), 4),
                "fsl8" => new FixedSizeListType(new Field("item", FloatType.Default, true), 8),
                _ => new FixedSizeListType(new Field("item", DoubleType.Default, true), 4),
            };
            builder.Field(new Field(parts[0], type, bool.Parse(parts[2])));
        }

        var error = await Assert.ThrowsAsync<LanceFormatException>(() => LanceTableWriter.OpenAsync(_path, builder.Build(), Append));
        Assert.True(error.Message.StartsWith($"{_path}: Cannot append: ", StringComparison.Ordinal), what);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        await AssertUnchangedAsync(before);
    }
}
