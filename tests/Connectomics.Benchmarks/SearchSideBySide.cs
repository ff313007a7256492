using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Apache.Arrow;
using Connectomics.Storage.Lance;

namespace Connectomics.Benchmarks;

/// <summary>
/// Writes one table of random vectors, then alternates our exact search and the official LanceDB client's flat
/// search (Node.js, same queries, same k, L2) round by round, A B A B, and prints queries/s for each and the ratio.
/// Each side times only its queries: our table is opened once, and the client's process opens the table and runs one
/// warm-up query before its clock starts. The ids each side returns are compared.
/// Usage: <c>search-side-by-side [--rows 100000] [--dimension 768] [--queries 20] [--rounds 3] [--k 10]</c>.
/// </summary>
internal static class SearchSideBySide
{
    private const string ClientScript = """
        const path = require('path');
        const lancedb = require(path.join(process.env.LANCE_NODE_MODULES, '@lancedb', 'lancedb'));
        const [dbPath, queryPath, k] = process.argv.slice(2);
        async function main() {
          const db = await lancedb.connect(dbPath);
          const table = await db.openTable('vectors');
          const queries = JSON.parse(require('fs').readFileSync(queryPath, 'utf8'));
          const search = q => table.search(q).distanceType('l2').limit(Number(k)).select(['id']).toArray();
          await search(queries[0]);
          const ids = [];
          const started = process.hrtime.bigint();
          for (const q of queries) ids.push((await search(q)).map(r => Number(r.id)));
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          process.stdout.write(JSON.stringify({ seconds, ids }));
        }
        main().catch(e => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
        """;

    public static async Task<int> Run(string[] args)
    {
        int rows = 100_000, dimension = 768, queryCount = 20, rounds = 3, k = 10;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows": rows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--dimension": dimension = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--queries": queryCount = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--k": k = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        var modules = await LanceDbClientInstall.EnsureInstalledAsync();
        var directory = Directory.CreateTempSubdirectory("lance-search-side-by-side-");
        try
        {
            var path = Path.Combine(directory.FullName, "vectors.lance");
            var written = Stopwatch.StartNew();
            await RandomVectorTable.WriteAsync(path, rows, dimension, seed: 1);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {rows} x {dimension} vectors in {written.Elapsed.TotalSeconds:F1} s; {queryCount} queries per round, k = {k}, L2"));

            var queries = RandomVectorTable.Queries(queryCount, dimension, seed: 2);
            var queryPath = Path.Combine(directory.FullName, "queries.json");
            await File.WriteAllTextAsync(queryPath, JsonSerializer.Serialize(queries));
            var scriptPath = Path.Combine(directory.FullName, "search.cjs");
            await File.WriteAllTextAsync(scriptPath, ClientScript);

            var table = await LanceTable.OpenAsync(path);
            await SearchAsync(table, queries[0], k);
            Console.WriteLine("round\tours q/s\tclient q/s\tratio (ours / client)\tsame ids");
            var ours = new List<double>();
            var theirs = new List<double>();
            for (var round = 1; round <= rounds; round++)
            {
                var started = Stopwatch.GetTimestamp();
                var ourIds = new List<long[]>();
                foreach (var query in queries)
                {
                    ourIds.Add(await SearchAsync(table, query, k));
                }

                ours.Add(queryCount / Stopwatch.GetElapsedTime(started).TotalSeconds);

                var (code, stdout, stderr) = await LanceDbClientInstall.ExecAsync(
                    "node", [scriptPath, directory.FullName, queryPath, k.ToString(CultureInfo.InvariantCulture)], directory.FullName, ("LANCE_NODE_MODULES", modules));
                if (code != 0)
                {
                    throw new InvalidOperationException($"node exited with {code}: {stderr}");
                }

                using var result = JsonDocument.Parse(stdout);
                theirs.Add(queryCount / result.RootElement.GetProperty("seconds").GetDouble());
                var clientIds = result.RootElement.GetProperty("ids").EnumerateArray().Select(q => q.EnumerateArray().Select(e => e.GetInt64()).ToArray()).ToList();
                var same = ourIds.Zip(clientIds).All(pair => pair.First.SequenceEqual(pair.Second));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{round}\t{ours[^1]:F1}\t{theirs[^1]:F1}\t{ours[^1] / theirs[^1]:F2}\t{same}"));
            }

            var ourMedian = Median(ours);
            var theirMedian = Median(theirs);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median\t{ourMedian:F1}\t{theirMedian:F1}\t{ourMedian / theirMedian:F2}"));
            return 0;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<long[]> SearchAsync(LanceTable table, float[] query, int k)
    {
        var batch = await table.Search(query).Limit(k).Select("id").ToBatchAsync();
        var ids = (Int64Array)batch.Column(0);
        return [.. ids.Values];
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
