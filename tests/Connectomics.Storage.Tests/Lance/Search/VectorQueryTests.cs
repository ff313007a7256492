using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Search;
using Connectomics.Storage.Tests.Lance.Interop;

namespace Connectomics.Storage.Tests.Lance.Search;

/// <summary>
/// Searches a seven-row table whose distances to the query (1, 1) are worked out by hand:
/// <code>
/// id  label  count score flag  vector   L2  1-dot  1-cosine
/// a   x      1     0.1   true  (1,1)    0   -1     0
/// b   y      2     0.9   false (2,1)    1   -2     1 - 3/√10
/// c   null   3     null  null  (0,3)    5   -2     1 - 1/√2
/// d   x      null  0.5   true  null     (null vector: never returned)
/// e   x      5     0.4   false (-1,-1)  8    3     2
/// f   it's   3     0.2   true  (1,1)    0   -1     0
/// g   z      4     0.3   null  (0,0)    2    1     undefined (zero length: not returned)
/// </code>
/// </summary>
public sealed class VectorQueryTests : IDisposable
{
    private static readonly float[] Query = [1, 1];
    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-query-");

    public void Dispose() => _db.Delete(recursive: true);

    [Fact]
    public async Task L2_returns_squared_distances_nearest_first_with_ties_in_row_order()
    {
        var result = await (await HandTableAsync()).Search(Query).ToBatchAsync();

        Assert.Equal(["id", "label", "count", "score", "flag", "vector", "_distance"], result.Schema.FieldsList.Select(f => f.Name));
        Assert.IsType<FloatType>(result.Schema.GetFieldByName("_distance").DataType);
        Assert.Equal(["a", "f", "b", "g", "c", "e"], Ids(result));
        Assert.Equal([0f, 0f, 1f, 2f, 5f, 8f], Distances(result));
        Assert.Equal([2f, 1f], LanceVectors.Get((FixedSizeListArray)result.Column("vector"), 2).ToArray());
        Assert.Equal("y", ((StringArray)result.Column("label")).GetString(2));
        Assert.Equal(2, ((Int32Array)result.Column("count")).GetValue(2));
    }

    [Fact]
    public async Task Dot_is_one_minus_the_dot_product()
    {
        var result = await (await HandTableAsync()).Search(Query).Metric(DistanceMetric.Dot).ToBatchAsync();

        Assert.Equal(["b", "c", "a", "f", "g", "e"], Ids(result));
        Assert.Equal([-2f, -2f, -1f, -1f, 1f, 3f], Distances(result));
    }

    [Fact]
    public async Task Cosine_is_one_minus_the_cosine_similarity_and_skips_zero_vectors()
    {
        var result = await (await HandTableAsync()).Search(Query).Metric(DistanceMetric.Cosine).ToBatchAsync();

        Assert.Equal(["a", "f", "b", "c", "e"], Ids(result));
        float[] expected = [0f, 0f, (float)(1 - (3 / Math.Sqrt(10))), (float)(1 - Math.Sqrt(0.5)), 2f];
        var actual = Distances(result);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-6f);
        }
    }

    [Theory]
    [InlineData("label = 'x'", new[] { "a", "e" })]
    [InlineData("label = 'it''s'", new[] { "f" })]
    [InlineData("label != 'x'", new[] { "f", "b", "g" })]
    [InlineData("count >= 3", new[] { "f", "g", "c", "e" })]
    [InlineData("count < 3", new[] { "a", "b" })]
    [InlineData("count = 3", new[] { "f", "c" })]
    [InlineData("score < 0.5", new[] { "a", "f", "g", "e" })]
    [InlineData("score >= 0.4", new[] { "b", "e" })]
    [InlineData("score > 1", new string[0])]
    [InlineData("flag = true", new[] { "a", "f" })]
    [InlineData("flag = FALSE", new[] { "b", "e" })]
    [InlineData("label IS NULL", new[] { "c" })]
    [InlineData("flag is not null", new[] { "a", "f", "b", "e" })]
    [InlineData("label IS NOT NULL AND count < 5 AND flag = false", new[] { "b" })]
    [InlineData("`count` <> 3 and \"label\" == 'x'", new[] { "a", "e" })]
    public async Task Where_filters_before_choosing_the_nearest(string predicate, string[] expected)
    {
        var result = await (await HandTableAsync()).Search(Query).Where(predicate).ToBatchAsync();

        Assert.Equal(expected, Ids(result));
    }

    [Fact]
    public async Task A_filter_is_a_prefilter_so_the_limit_counts_matching_rows_only()
    {
        var table = await HandTableAsync();

        var result = await table.Search(Query).Where("count >= 3").Limit(2).ToBatchAsync();
        var twoCalls = await table.Search(Query).Where("count >= 3").Where("label != 'z'").Limit(2).ToBatchAsync();

        Assert.Equal(["f", "g"], Ids(result));
        Assert.Equal(["f", "e"], Ids(twoCalls)); // c has a null label, so "label != 'z'" is not true for it
    }

    [Fact]
    public async Task Select_chooses_and_orders_the_columns_and_a_large_limit_returns_every_row()
    {
        var result = await (await HandTableAsync()).Search(Query).Select("score", "id").Limit(1000).ToBatchAsync();

        Assert.Equal(["score", "id", "_distance"], result.Schema.FieldsList.Select(f => f.Name));
        Assert.Equal(6, result.Length);
        Assert.Equal(0.2f, ((FloatArray)result.Column("score")).GetValue(1));
        Assert.Null(((FloatArray)result.Column("score")).GetValue(4));
    }

    [Fact]
    public async Task Rows_deleted_by_the_official_client_are_never_returned()
    {
        var table = await HandTableAsync();
        await LanceDbNode.RunAsync(
            """
            const db = await lancedb.connect(args[0]);
            const table = await db.openTable('hand');
            await table.delete("id = 'a' OR id = 'g'");
            emit({ count: await table.countRows() });
            """,
            _db.FullName);

        var before = await table.Search(Query).ToBatchAsync();
        var after = await (await LanceTable.OpenAsync(table.TablePath)).Search(Query).ToBatchAsync();

        Assert.Equal(["a", "f", "b", "g", "c", "e"], Ids(before));
        Assert.Equal(["f", "b", "c", "e"], Ids(after));
        Assert.Equal([0f, 1f, 5f, 8f], Distances(after));
    }

    [Fact]
    public async Task An_empty_table_gives_an_empty_batch_with_the_selected_columns()
    {
        var path = Path.Combine(_db.FullName, "empty.lance");
        await using (var writer = await LanceTableWriter.OpenAsync(path, HandSchema()))
        {
            await writer.CompleteAsync();
        }

        var result = await (await LanceTable.OpenAsync(path)).Search(Query).Select("id", "vector").ToBatchAsync();

        Assert.Equal(0, result.Length);
        Assert.Equal(["id", "vector", "_distance"], result.Schema.FieldsList.Select(f => f.Name));
        Assert.Equal(0, result.Column("vector").Length);
    }

    [Fact]
    public async Task Ties_across_fragments_and_pages_keep_the_scan_order()
    {
        var path = Path.Combine(_db.FullName, "ties.lance");
        var schema = SampleBatches.VectorSchema(4);
        await using (var writer = await LanceTableWriter.OpenAsync(path, schema, new LanceWriteOptions { MaxRowsPerFragment = 7 }))
        {
            for (var start = 0; start < 60; start += 5)
            {
                var ids = new StringArray.Builder();
                var rows = new List<float[]?>();
                for (var i = start; i < start + 5; i++)
                {
                    ids.Append($"id_{i}");
                    rows.Add(i % 2 == 0 ? [1, 2, 3, 4] : [9, 9, 9, 9]);
                }

                await writer.WriteAsync(new RecordBatch(schema, [ids.Build(), SampleBatches.VectorArray(rows, 4)], 5));
            }

            await writer.CompleteAsync();
        }

        var table = await LanceTable.OpenAsync(path);
        var result = await table.Search(new float[] { 1, 2, 3, 4 }).Limit(12).ToBatchAsync();

        Assert.True(table.FragmentCount > 5);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"id_{2 * i}"), Ids(result));
        Assert.All(Distances(result), d => Assert.Equal(0f, d));
        var vectors = (FixedSizeListArray)result.Column("vector");
        Assert.All(Enumerable.Range(0, 12), i => Assert.Equal([1f, 2f, 3f, 4f], LanceVectors.Get(vectors, i).ToArray()));
    }

    [Fact]
    public async Task A_query_with_NaN_or_infinity_is_rejected()
    {
        var table = await HandTableAsync();

        var nan = Assert.Throws<ArgumentException>(() => table.Search(new[] { 1f, float.NaN }));
        var infinity = Assert.Throws<ArgumentException>(() => table.Search(new[] { float.PositiveInfinity, 1f }));

        Assert.Contains("NaN at index 1", nan.Message, StringComparison.Ordinal);
        Assert.Contains("at index 0", infinity.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_of_the_wrong_dimension_names_both_dimensions()
    {
        var table = await HandTableAsync();

        var error = Assert.Throws<ArgumentException>(() => table.Search(new[] { 1f, 2f, 3f }));

        Assert.Contains("dimension 3", error.Message, StringComparison.Ordinal);
        Assert.Contains("dimension 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_columns_are_named_with_the_available_ones()
    {
        var table = await HandTableAsync();

        var where = Assert.Throws<ArgumentException>(() => table.Search(Query).Where("label = 'x' AND size > 3"));
        var select = Assert.Throws<ArgumentException>(() => table.Search(Query).Select("id", "labels"));
        var column = Assert.Throws<ArgumentException>(() => table.Search(Query, "embedding"));
        var notVector = Assert.Throws<ArgumentException>(() => table.Search(Query, "label"));

        Assert.Contains("no column 'size'", where.Message, StringComparison.Ordinal);
        Assert.Contains("'id', 'label', 'count', 'score', 'flag', 'vector'", where.Message, StringComparison.Ordinal);
        Assert.Contains("no column 'labels'", select.Message, StringComparison.Ordinal);
        Assert.Contains("no column 'embedding'", column.Message, StringComparison.Ordinal);
        Assert.Contains("'label' is", notVector.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("count = 3 OR count = 4", 10)]
    [InlineData("count >= ", 9)]
    [InlineData("label = 'x", 8)]
    [InlineData("label = x", 8)]
    [InlineData("count ~ 3", 6)]
    [InlineData("label IS NOTHING", 9)]
    [InlineData("= 3", 0)]
    public async Task Malformed_predicates_name_the_position(string predicate, int position)
    {
        var table = await HandTableAsync();

        var error = Assert.Throws<ArgumentException>(() => table.Search(Query).Where(predicate));

        Assert.Contains($"at position {position}:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("label > 3")]
    [InlineData("count = 'three'")]
    [InlineData("flag < true")]
    [InlineData("vector = 1")]
    public async Task Comparing_a_column_with_a_value_of_another_type_is_rejected(string predicate)
    {
        var table = await HandTableAsync();

        var error = Assert.Throws<ArgumentException>(() => table.Search(Query).Where(predicate));

        Assert.Contains("cannot be applied to column", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_limit_must_be_positive()
    {
        var table = await HandTableAsync();

        Assert.Throws<ArgumentOutOfRangeException>(() => table.Search(Query).Limit(0));
    }

    private static Schema HandSchema() => new Schema.Builder()
        .Field(new Field("id", StringType.Default, false))
        .Field(new Field("label", StringType.Default, true))
        .Field(new Field("count", Int32Type.Default, true))
        .Field(new Field("score", FloatType.Default, true))
        .Field(new Field("flag", BooleanType.Default, true))
        .Field(new Field("vector", new FixedSizeListType(new Field("item", FloatType.Default, true), 2), true))
        .Build();

    private async Task<LanceTable> HandTableAsync()
    {
        var path = Path.Combine(_db.FullName, "hand.lance");
        var batch = new RecordBatch(HandSchema(), [
            new StringArray.Builder().AppendRange(["a", "b", "c", "d", "e", "f", "g"]).Build(),
            new StringArray.Builder().Append("x").Append("y").AppendNull().Append("x").Append("x").Append("it's").Append("z").Build(),
            new Int32Array.Builder().Append(1).Append(2).Append(3).AppendNull().Append(5).Append(3).Append(4).Build(),
            new FloatArray.Builder().Append(0.1f).Append(0.9f).AppendNull().Append(0.5f).Append(0.4f).Append(0.2f).Append(0.3f).Build(),
            new BooleanArray.Builder().Append(true).Append(false).AppendNull().Append(true).Append(false).Append(true).AppendNull().Build(),
            SampleBatches.VectorArray([[1, 1], [2, 1], [0, 3], null, [-1, -1], [1, 1], [0, 0]], 2),
        ], 7);
        await using (var writer = await LanceTableWriter.OpenAsync(path, HandSchema()))
        {
            await writer.WriteAsync(batch);
            await writer.CompleteAsync();
        }

        return await LanceTable.OpenAsync(path);
    }

    private static List<string?> Ids(RecordBatch result)
    {
        var ids = (StringArray)result.Column("id");
        return [.. Enumerable.Range(0, ids.Length).Select(i => ids.GetString(i))];
    }

    private static float[] Distances(RecordBatch result) => [.. ((FloatArray)result.Column("_distance")).Values];
}
