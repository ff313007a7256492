using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Search;

namespace Connectomics.Storage.Tests.Lance.Interop;

/// <summary>
/// Writes a table of random vectors with our writer, lets the official client delete some rows and run its flat
/// search for several queries, metrics and filters, then runs the same searches with <see cref="VectorQuery"/>.
/// </summary>
public sealed class OurSearchMatchesOfficialClientTests : IDisposable
{
    private const int Dimension = 32;
    private const int Rows = 400;
    private const int K = 7;
    private static readonly string[] Labels = ["a", "b", "c"];

    private static readonly (string Metric, string? Where)[] Searches =
    [
        ("l2", null),
        ("cosine", null),
        ("dot", null),
        ("l2", "label = 'b'"),
        ("cosine", "count >= 40 AND flag = true"),
        ("dot", "score < 0.5"),
        ("l2", "label IS NULL"),
        ("l2", "label IS NOT NULL AND count < 20"),
    ];

    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-our-search-");

    public void Dispose() => _db.Delete(recursive: true);

    [Theory]
    [InlineData(LanceDataStorageVersion.V2_0)]
    [InlineData(LanceDataStorageVersion.V2_1)]
    public async Task Same_ids_in_the_same_order_and_the_same_distances_as_the_client_flat_search(LanceDataStorageVersion version)
    {
        var random = new Random(20261122 + (int)version);
        var path = Path.Combine(_db.FullName, "random.lance");
        await using (var writer = await LanceTableWriter.OpenAsync(path, Schema(), new LanceWriteOptions { DataStorageVersion = version, MaxRowsPerFragment = 150 }))
        {
            await writer.WriteAsync(RandomRows(random, 0, 250));
            await writer.WriteAsync(RandomRows(random, 250, Rows - 250));
            await writer.CompleteAsync();
        }

        var queries = Enumerable.Range(0, 3).Select(_ => RandomVector(random)).ToArray();
        var client = await LanceDbNode.RunAsync(
            """
            const db = await lancedb.connect(args[0]);
            const table = await db.openTable('random');
            await table.delete('count % 9 = 4');
            const queries = JSON.parse(args[1]);
            const searches = JSON.parse(args[2]);
            const results = [];
            for (const q of queries) {
              for (const s of searches) {
                let query = table.search(q).distanceType(s.Metric).limit(Number(args[3])).select(['id']);
                if (s.Where) query = query.where(s.Where);
                const hits = rowsOf(await query.toArrow());
                results.push(hits.map(h => ({ id: h.id, d: h._distance })));
              }
            }
            emit({ count: await table.countRows(), results });
            """,
            _db.FullName,
            JsonSerializer.Serialize(queries),
            JsonSerializer.Serialize(Searches.Select(s => new { s.Metric, s.Where })),
            K.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var table = await LanceTable.OpenAsync(path);
        Assert.Equal(client.GetProperty("count").GetInt64(), table.RowCount);
        Assert.True(table.RowCount < Rows, "the client deleted no rows");
        var expected = client.GetProperty("results").EnumerateArray().ToList();
        var compared = 0;
        for (var q = 0; q < queries.Length; q++)
        {
            for (var s = 0; s < Searches.Length; s++)
            {
                var (metric, where) = Searches[s];
                var search = table.Search(queries[q]).Metric(ParseMetric(metric)).Limit(K).Select("id");
                if (where is not null)
                {
                    search = search.Where(where);
                }

                var ours = await search.ToBatchAsync();
                var theirs = expected[(q * Searches.Length) + s].EnumerateArray().ToList();
                var context = $"query {q}, {metric}, where {where ?? "(none)"}";
                var ids = (StringArray)ours.Column("id");
                var distances = (FloatArray)ours.Column("_distance");
                Assert.True(theirs.Count > 0, context);
                Assert.Equal(theirs.Select(h => h.GetProperty("id").GetString()), Enumerable.Range(0, ids.Length).Select(i => ids.GetString(i)));
                // Relative tolerance 1e-5; for distances under 1 in magnitude (dot distances pass through 0) it is absolute.
                for (var i = 0; i < theirs.Count; i++)
                {
                    var d = theirs[i].GetProperty("d").GetDouble();
                    Assert.True(
                        Math.Abs(distances.GetValue(i)!.Value - d) <= 1e-5 * Math.Max(Math.Abs(d), 1),
                        $"{context}, hit {i}: ours {distances.GetValue(i)}, client {d}");
                }

                compared++;
            }
        }

        Assert.Equal(queries.Length * Searches.Length, compared);
    }

    private static DistanceMetric ParseMetric(string metric) => metric switch
    {
        "l2" => DistanceMetric.L2,
        "cosine" => DistanceMetric.Cosine,
        _ => DistanceMetric.Dot,
    };

    private static Schema Schema() => new Schema.Builder()
        .Field(new Field("id", StringType.Default, false))
        .Field(new Field("label", StringType.Default, true))
        .Field(new Field("count", Int32Type.Default, false))
        .Field(new Field("score", FloatType.Default, false))
        .Field(new Field("flag", BooleanType.Default, false))
        .Field(new Field("vector", new FixedSizeListType(new Field("item", FloatType.Default, true), Dimension), true))
        .Build();

    /// <summary>Random rows; every 6th label and every 13th vector is null.</summary>
    private static RecordBatch RandomRows(Random random, int start, int count)
    {
        var id = new StringArray.Builder();
        var label = new StringArray.Builder();
        var number = new Int32Array.Builder();
        var score = new FloatArray.Builder();
        var flag = new BooleanArray.Builder();
        var vectors = new List<float[]?>();
        for (var i = start; i < start + count; i++)
        {
            id.Append($"id_{i}");
            if (i % 6 == 5)
            {
                label.AppendNull();
            }
            else
            {
                label.Append(Labels[random.Next(Labels.Length)]);
            }

            number.Append(random.Next(100));
            score.Append(random.NextSingle());
            flag.Append(random.Next(2) == 0);
            vectors.Add(i % 13 == 12 ? null : RandomVector(random));
        }

        return new RecordBatch(Schema(), [
            id.Build(), label.Build(), number.Build(), score.Build(), flag.Build(), SampleBatches.VectorArray(vectors, Dimension)], count);
    }

    private static float[] RandomVector(Random random) => [.. Enumerable.Range(0, Dimension).Select(_ => (random.NextSingle() * 2) - 1)];
}
