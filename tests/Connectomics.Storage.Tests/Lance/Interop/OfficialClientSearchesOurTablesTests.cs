using System.Text.Json;
using Apache.Arrow;
using Connectomics.Storage.Lance;

namespace Connectomics.Storage.Tests.Lance.Interop;

public sealed class OfficialClientSearchesOurTablesTests : IDisposable
{
    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-search-");

    public void Dispose() => _db.Delete(recursive: true);

    [Theory]
    [InlineData(LanceDataStorageVersion.V2_0, 128)]
    [InlineData(LanceDataStorageVersion.V2_1, 128)]
    [InlineData(LanceDataStorageVersion.V2_1, 16)]
    public async Task Flat_search_over_several_fragments_and_an_append_matches_brute_force(LanceDataStorageVersion version, int dimension)
    {
        var path = Path.Combine(_db.FullName, "vectors.lance");
        var options = new LanceWriteOptions { DataStorageVersion = version, MaxRowsPerFragment = 1200 };
        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(dimension), options))
        {
            await writer.WriteAsync(SampleBatches.Vectors(0, 3000, dimension));
            Assert.Equal(1UL, await writer.CompleteAsync());
        }

        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(dimension), new LanceWriteOptions { Mode = LanceWriteMode.Append }))
        {
            Assert.Equal(version, writer.DataStorageVersion);
            await writer.WriteAsync(SampleBatches.Vectors(3000, 500, dimension));
            Assert.Equal(2UL, await writer.CompleteAsync());
        }

        var query = SampleBatches.Vector(3210, dimension).Select(v => v + 0.3f).ToArray();
        var result = await LanceDbNode.RunAsync(
            """
            const db = await lancedb.connect(args[0]);
            const table = await db.openTable('vectors');
            const q = JSON.parse(args[1]);
            const hits = rowsOf(await table.search(q).limit(5).toArrow());
            emit({ version: await table.version(), count: await table.countRows(), hits: hits.map(h => ({ id: h.id, d: h._distance })) });
            """,
            _db.FullName,
            JsonSerializer.Serialize(query));

        Assert.Equal(2, result.GetProperty("version").GetInt32());
        Assert.Equal(3500, result.GetProperty("count").GetInt32());
        var expected = Enumerable.Range(0, 3500)
            .Select(i => (Id: $"id_{i}", D: SquaredL2(SampleBatches.Vector(i, dimension), query)))
            .OrderBy(x => x.D).Take(5).ToList();
        var hits = result.GetProperty("hits").EnumerateArray().ToList();
        Assert.Equal(expected.Select(e => e.Id), hits.Select(h => h.GetProperty("id").GetString()));
        for (var k = 0; k < hits.Count; k++)
        {
            Assert.Equal(expected[k].D, hits[k].GetProperty("d").GetDouble(), expected[k].D * 1e-4);
        }

        var table = await LanceTable.OpenAsync(path);
        Assert.Equal(4, table.FragmentCount);
        Assert.Equal(3500, table.RowCount);
    }

    [Theory]
    [InlineData(LanceDataStorageVersion.V2_0)]
    [InlineData(LanceDataStorageVersion.V2_1)]
    public async Task The_official_client_appends_after_our_commits_from_a_handle_opened_before_them(LanceDataStorageVersion version)
    {
        const int dimension = 8;
        var path = Path.Combine(_db.FullName, "shared.lance");
        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(dimension), new LanceWriteOptions { DataStorageVersion = version }))
        {
            await writer.WriteAsync(SampleBatches.Vectors(0, 10, dimension));
            await writer.CompleteAsync();
        }

        // The script opens the table (v1), waits for our append (v2), then adds rows through its stale handle.
        var script = """
            const fs = require('fs');
            const db = await lancedb.connect(args[0]);
            const table = await db.openTable('shared');
            fs.writeFileSync(args[1], 'opened');
            while (!fs.existsSync(args[2])) await new Promise(r => setTimeout(r, 20));
            const v = Array.from({ length: 8 }, (_, j) => 100 + j);
            await table.add([{ id: 'from_node', vector: v }]);
            const rows = rowsOf(await table.query().select(['id']).limit(100).toArrow());
            emit({ version: await table.version(), count: await table.countRows(), ids: rows.map(r => r.id) });
            """;
        var opened = Path.Combine(_db.FullName, "opened.flag");
        var go = Path.Combine(_db.FullName, "go.flag");
        var node = LanceDbNode.RunAsync(script, _db.FullName, opened, go);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(opened) && !node.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(File.Exists(opened), "the node script did not open the table");
        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(dimension), new LanceWriteOptions { Mode = LanceWriteMode.Append }))
        {
            await writer.WriteAsync(SampleBatches.Vectors(10, 5, dimension));
            Assert.Equal(2UL, await writer.CompleteAsync());
        }

        await File.WriteAllTextAsync(go, "go");
        var result = await node;
        Assert.Equal(3, result.GetProperty("version").GetInt32());
        Assert.Equal(16, result.GetProperty("count").GetInt32());
        var ids = result.GetProperty("ids").EnumerateArray().Select(e => e.GetString()).ToHashSet();
        Assert.Contains("from_node", ids);
        Assert.Contains("id_14", ids);

        var table = await LanceTable.OpenAsync(path);
        Assert.Equal(3UL, table.Version);
        Assert.Equal(16, table.RowCount);
        if (version == LanceDataStorageVersion.V2_0)
        {
            var read = new List<string?>();
            await foreach (var batch in table.ScanAsync(["id"]))
            {
                var column = (StringArray)batch.Column(0);
                read.AddRange(Enumerable.Range(0, column.Length).Select(i => column.GetString(i)));
            }

            Assert.Equal([.. Enumerable.Range(0, 15).Select(i => $"id_{i}"), "from_node"], read);
        }
    }

    private static double SquaredL2(float[] a, float[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = (double)a[i] - b[i];
            sum += d * d;
        }

        return sum;
    }
}
