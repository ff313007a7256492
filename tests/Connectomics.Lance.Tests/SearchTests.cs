using System.Globalization;
using System.Text.Json;

namespace Connectomics.Lance.Tests;

/// <summary><c>search</c> on an imported table, compared with the official LanceDB client's flat search.</summary>
public sealed class SearchTests : IDisposable
{
    private static readonly (string Metric, string? Where)[] Searches =
    [
        ("l2", null), ("cosine", null), ("dot", null), ("l2", "score > 0"), ("cosine", "flag = true"),
    ];

    private readonly string _work = Directory.CreateTempSubdirectory("connectomics-lance-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Search_returns_the_client_flat_search_ids_and_distances_with_every_column()
    {
        const int K = 5;
        var db = Path.Combine(_work, "db");
        var rows = ReadRow.Make(40, dimension: 6);
        var parquet = Path.Combine(_work, "reads.parquet");
        TestParquet.Write(parquet, ReadRow.ToBatch(rows), rowGroupRows: 16);
        LanceTool.Succeed("import", parquet, "--db", db, "--table", "reads", "--vector", "embedding", "--batch-rows", "10");
        float[] query = [0.3f, -0.1f, 0.25f, 0.05f, -0.2f, 0.15f];
        var queryText = string.Join(",", query.Select(v => v.ToString(CultureInfo.InvariantCulture)));

        var client = await LanceDbNode.RunAsync(
            """
            const db = await lancedb.connect(args[0]);
            const table = await db.openTable('reads');
            const results = [];
            for (const s of JSON.parse(args[2])) {
              let query = table.search(JSON.parse(args[1])).distanceType(s.Metric).limit(Number(args[3])).select(['id']);
              if (s.Where) query = query.where(s.Where);
              results.push(rowsOf(await query.toArrow()).map(h => ({ id: Number(h.id), d: h._distance })));
            }
            emit(results);
            """,
            db,
            JsonSerializer.Serialize(query),
            JsonSerializer.Serialize(Searches.Select(s => new { s.Metric, s.Where })),
            K.ToString(CultureInfo.InvariantCulture));

        var expected = client.EnumerateArray().ToArray();
        for (var s = 0; s < Searches.Length; s++)
        {
            var (metric, where) = Searches[s];
            string[] arguments = ["search", "--db", db, "--table", "reads", "--vector", queryText, "-k", "5", "--metric", metric, "--json"];
            var hits = LanceTool.Succeed(where is null ? arguments : [.. arguments, "--where", where])
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonDocument.Parse(line).RootElement.Clone())
                .ToArray();
            var theirs = expected[s].EnumerateArray().ToArray();
            var context = $"{metric}, where {where ?? "(none)"}";

            Assert.True(theirs.Length == K, context);
            Assert.Equal(theirs.Select(h => h.GetProperty("id").GetInt64()), hits.Select(h => h.GetProperty("id").GetInt64()));
            for (var i = 0; i < K; i++)
            {
                var d = theirs[i].GetProperty("d").GetDouble();
                var ours = hits[i].GetProperty("_distance").GetDouble();
                Assert.True(Math.Abs(ours - d) <= 1e-5 * Math.Max(Math.Abs(d), 1), $"{context}, hit {i}: ours {ours}, client {d}");
                Assert.Equal(
                    ["id", "name", "score", "flag", "count", "seen", "vector", "_distance"],
                    hits[i].EnumerateObject().Select(p => p.Name));
                var row = rows[hits[i].GetProperty("id").GetInt64()];
                Assert.Equal(row.Embedding, hits[i].GetProperty("vector").EnumerateArray().Select(v => v.GetSingle()));
            }
        }
    }

    [Fact]
    public async Task Search_by_id_and_by_vector_file_returns_the_client_results_for_the_same_vector()
    {
        const int K = 4;
        var db = Path.Combine(_work, "db");
        var rows = ReadRow.Make(30, dimension: 5);
        var parquet = Path.Combine(_work, "reads.parquet");
        TestParquet.Write(parquet, ReadRow.ToBatch(rows), rowGroupRows: 8);
        LanceTool.Succeed("import", parquet, "--db", db, "--table", "reads", "--vector", "embedding");
        var byId = rows[17].Embedding!;
        double[] fromFile = [0.125, -0.3, 1.0 / 3, 0.05, -0.2];
        var asFloat = fromFile.Select(v => (float)v).ToArray();

        var client = await LanceDbNode.RunAsync(
            """
            const db = await lancedb.connect(args[0]);
            const table = await db.openTable('reads');
            const results = [];
            for (const q of JSON.parse(args[1])) {
              const hits = rowsOf(await table.search(q).distanceType('cosine').limit(Number(args[2])).select(['id']).toArrow());
              results.push(hits.map(h => ({ id: Number(h.id), d: h._distance })));
            }
            emit(results);
            """,
            db,
            JsonSerializer.Serialize(new[] { byId, asFloat }),
            K.ToString(CultureInfo.InvariantCulture));
        var expected = client.EnumerateArray().Select(r => r.EnumerateArray().ToArray()).ToArray();

        var text = Path.Combine(_work, "query.txt");
        File.WriteAllText(text, string.Join(",\n ", fromFile.Take(2).Select(v => v.ToString("R", CultureInfo.InvariantCulture)))
            + "\t" + string.Join(" ", fromFile.Skip(2).Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "\n");
        var npy32 = Path.Combine(_work, "query32.npy");
        File.WriteAllBytes(npy32, Npy.Float32(asFloat));
        var npy64 = Path.Combine(_work, "query64.npy");
        File.WriteAllBytes(npy64, Npy.Float64(fromFile));
        var searches = new (string[] Query, int Expected)[]
        {
            (["--id", "17"], 0),
            (["--vector-file", text], 1),
            (["--vector-file", npy32], 1),
            (["--vector-file", npy64], 1),
        };
        foreach (var (query, e) in searches)
        {
            var hits = LanceTool.Succeed(["search", "--db", db, "--table", "reads", .. query, "-k", "4", "--metric", "cosine", "--json"])
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonDocument.Parse(line).RootElement.Clone())
                .ToArray();
            var context = string.Join(" ", query);
            Assert.Equal(expected[e].Select(h => h.GetProperty("id").GetInt64()), hits.Select(h => h.GetProperty("id").GetInt64()));
            for (var i = 0; i < K; i++)
            {
                var d = expected[e][i].GetProperty("d").GetDouble();
                var ours = hits[i].GetProperty("_distance").GetDouble();
                Assert.True(Math.Abs(ours - d) <= 1e-5 * Math.Max(Math.Abs(d), 1), $"{context}, hit {i}: ours {ours}, client {d}");
            }
        }

        // The row itself is listed first, at distance 0.
        var self = JsonDocument.Parse(LanceTool.Succeed("search", "--db", db, "--table", "reads", "--id", "17", "-k", "1", "--json")).RootElement;
        Assert.Equal(17, self.GetProperty("id").GetInt64());
        Assert.Equal(0, self.GetProperty("_distance").GetDouble());
    }

    [Fact]
    public void Search_without_json_prints_a_table_nearest_first()
    {
        var db = Path.Combine(_work, "db");
        var rows = ReadRow.Make(6, dimension: 3);
        var parquet = Path.Combine(_work, "reads.parquet");
        TestParquet.Write(parquet, ReadRow.ToBatch(rows), rowGroupRows: 1024);
        LanceTool.Succeed("import", parquet, "--db", db, "--table", "reads", "--vector", "embedding");
        var target = rows[4].Embedding!;

        var lines = LanceTool.Succeed("search", "--db", db, "--table", "reads", "-k", "2", "--vector", string.Join(",", target.Select(v => v.ToString("R", CultureInfo.InvariantCulture))))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(4, lines.Length);
        Assert.EndsWith("_distance", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("4 ", lines[2], StringComparison.Ordinal);
        Assert.EndsWith("  0", lines[2], StringComparison.Ordinal);
    }
}
