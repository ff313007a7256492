using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Storage.Arrow;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Parquet;
using Connectomics.Storage.Tests.Parquet;

namespace Connectomics.Storage.Tests.Arrow;

/// <summary>List, large list and fixed-size list columns of float or double, read from Parquet, become <c>FixedSizeList&lt;float32, D&gt;</c>.</summary>
public sealed class FloatVectorsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string> Shapes() => new()
    {
        { "list", "float" },
        { "list", "double" },
        { "large list", "float" },
        { "large list", "double" },
        { "fixed-size list", "float" },
        { "fixed-size list", "double" },
    };

    /// <summary>Builds a vector column; a null row is a null vector, a null value a null item.</summary>
    private static IArrowArray Column(string shape, string item, IReadOnlyList<double?[]?> rows)
    {
        IArrowType itemType = item == "float" ? FloatType.Default : DoubleType.Default;
        var values = new List<double?>();
        var offsets = new List<int> { 0 };
        var validity = new ArrowBuffer.BitmapBuilder();
        var dimension = rows.First(r => r is not null)!.Length;
        foreach (var row in rows)
        {
            validity.Append(row is not null);
            values.AddRange(row ?? (shape == "fixed-size list" ? new double?[dimension] : []));
            offsets.Add(values.Count);
        }

        IArrowArray items;
        if (item == "float")
        {
            var floats = new FloatArray.Builder();
            values.ForEach(v => _ = v is null ? floats.AppendNull() : floats.Append((float)v.Value));
            items = floats.Build();
        }
        else
        {
            var doubles = new DoubleArray.Builder();
            values.ForEach(v => _ = v is null ? doubles.AppendNull() : doubles.Append(v.Value));
            items = doubles.Build();
        }

        var nulls = rows.Count(r => r is null);
        var validityBuffer = nulls == 0 ? ArrowBuffer.Empty : validity.Build();
        var field = new Field("item", itemType, true);
        return shape switch
        {
            "list" => new ListArray(new ArrayData(new ListType(field), rows.Count, nulls, 0,
                [validityBuffer, new ArrowBuffer.Builder<int>().AppendRange(offsets).Build()], [items.Data])),
            "large list" => new LargeListArray(new ArrayData(new LargeListType(field), rows.Count, nulls, 0,
                [validityBuffer, new ArrowBuffer.Builder<long>().AppendRange(offsets.Select(o => (long)o)).Build()], [items.Data])),
            _ => new FixedSizeListArray(new ArrayData(new FixedSizeListType(field, dimension), rows.Count, nulls, 0, [validityBuffer], [items.Data])),
        };
    }

    private async Task<T> WithBatch<T>(IArrowArray vectors, int rowGroupSize, Func<ParquetArrowBatch, T> action, int skipBatches = 0)
    {
        var path = _dir.File("v.parquet");
        ParquetTestFiles.WriteRaw(path, rowGroupSize, storeArrowSchema: true, ("id", ParquetTestFiles.Ints([.. Enumerable.Range(0, vectors.Length)])), ("v", vectors));
        using var reader = ParquetArrowReader.Open(path);
        await foreach (var batch in reader.ReadAsync())
        {
            using (batch)
            {
                if (skipBatches-- == 0)
                {
                    return action(batch);
                }
            }
        }

        throw new InvalidOperationException("no such batch");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Every_shape_becomes_float32_vectors_of_the_first_rows_dimension(string shape, string item)
    {
        double?[][] rows = [[1, 2, 3], [4.5, -5, 1e-3], [0, 0, 1.0 / 3]];
        var vectors = await WithBatch(Column(shape, item, rows), 10, b => b.ToFloatVectors("v"));

        Assert.True(FloatVectors.IsConvertible(Column(shape, item, rows).Data.DataType));
        Assert.Equal(FloatVectors.CreateType(3).ListSize, ((FixedSizeListType)vectors.Data.DataType).ListSize);
        Assert.Equal(ArrowTypeId.Float, ((FixedSizeListType)vectors.Data.DataType).ValueDataType.TypeId);
        Assert.Equal(3, vectors.Length);
        Assert.Equal(rows.SelectMany(r => r).Select(v => (float)v!.Value), LanceVectors.Values(vectors).ToArray());
    }

    [Fact]
    public void Only_lists_of_float_or_double_are_convertible()
    {
        Assert.False(FloatVectors.IsConvertible(new ListType(Int32Type.Default)));
        Assert.False(FloatVectors.IsConvertible(StringType.Default));
        Assert.Throws<ArgumentOutOfRangeException>(() => FloatVectors.CreateType(0));
    }

    [Theory]
    [InlineData("list")]
    [InlineData("large list")]
    public async Task A_vector_of_another_length_names_file_row_group_row_and_column(string shape)
    {
        double?[][] rows = [[1, 2], [3, 4], [5, 6], [7, 8], [9]];
        var path = _dir.File("v.parquet");

        // Row group 1 holds rows 3 and 4; row 4 (row 1 of row group 1) has one value.
        var error = await Assert.ThrowsAsync<ParquetInputException>(() => WithBatch(Column(shape, "float", rows), 3, b => b.ToFloatVectors("v", 2), skipBatches: 1));

        Assert.Equal((ParquetInputError.VectorLength, path, 1, 1L, "v"), (error.Error, error.FilePath, error.RowGroup, error.Row, error.Column));
        Assert.Equal($"'{path}', row group 1, row 1, column 'v': the vector has 1 values, but the vectors have 2.", error.Message);
    }

    [Fact]
    public async Task Null_vectors_and_null_values_are_named()
    {
        var nullRow = await Assert.ThrowsAsync<ParquetInputException>(() => WithBatch(Column("list", "double", [[1, 2], null, [3, 4]]), 10, b => b.ToFloatVectors("v")));
        Assert.Equal((ParquetInputError.NullValue, 1L, "v"), (nullRow.Error, nullRow.Row, nullRow.Column));
        Assert.Contains("the vector is null", nullRow.Message, StringComparison.Ordinal);

        var nullItem = await Assert.ThrowsAsync<ParquetInputException>(() => WithBatch(Column("fixed-size list", "float", [[1, 2], [3, null]]), 10, b => b.ToFloatVectors("v")));
        Assert.Equal((ParquetInputError.NullValue, 1L), (nullItem.Error, nullItem.Row));
        Assert.Contains("null at position 1", nullItem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_column_or_one_of_another_type_is_named()
    {
        // Writing a column disposes it: each file gets its own.
        IArrowArray Vectors() => Column("list", "float", [[1, 2]]);
        var missing = await Assert.ThrowsAsync<ParquetInputException>(() => WithBatch(Vectors(), 10, b => b.ToFloatVectors("vector")));
        Assert.Equal((ParquetInputError.ColumnMissing, "vector"), (missing.Error, missing.Column));
        Assert.Contains("'id', 'v'", missing.Message, StringComparison.Ordinal);

        var wrongType = await Assert.ThrowsAsync<ParquetInputException>(() => WithBatch(Vectors(), 10, b => b.ToFloatVectors("id")));
        Assert.Equal((ParquetInputError.ColumnType, "id"), (wrongType.Error, wrongType.Column));
        Assert.Contains("int32", wrongType.Message, StringComparison.Ordinal);
    }
}
