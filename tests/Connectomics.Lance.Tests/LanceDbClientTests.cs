using Apache.Arrow;
using Apache.Arrow.Types;

namespace Connectomics.Lance.Tests;

/// <summary>Tables imported by the tool, read by the official LanceDB client (Node.js).</summary>
public sealed class LanceDbClientTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("connectomics-lance-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    /// <summary>id int32, label large_string, embedding fixed_size_list&lt;double, 3&gt;.</summary>
    private static RecordBatch Batch(int firstId, int count)
    {
        var schema = new Schema.Builder()
            .Field(new Field("id", Int32Type.Default, false))
            .Field(new Field("label", LargeStringType.Default, true))
            .Field(new Field("embedding", new FixedSizeListType(new Field("item", DoubleType.Default, true), 3), false))
            .Build();
        var ids = new Int32Array.Builder();
        var labels = new LargeStringArray.Builder();
        var embeddings = new FixedSizeListArray.Builder(DoubleType.Default, 3);
        var items = (DoubleArray.Builder)embeddings.ValueBuilder;
        for (var id = firstId; id < firstId + count; id++)
        {
            ids.Append(id);
            labels.Append($"label {id} ✓");
            embeddings.Append();
            items.Append(Vector(id)[0]).Append(Vector(id)[1]).Append(Vector(id)[2]);
        }

        return new RecordBatch(schema, [ids.Build(), labels.Build(), embeddings.Build()], count);
    }

    private static double[] Vector(int id) => [id / 3.0, -Math.PI * id, 1e-3 + id];

    [Fact]
    public async Task LanceDB_reads_the_imported_and_appended_rows_and_vectors()
    {
        var db = Path.Combine(_work, "db");
        var first = Path.Combine(_work, "first.parquet");
        var second = Path.Combine(_work, "second.parquet");
        TestParquet.Write(first, Batch(0, 5), rowGroupRows: 2);
        TestParquet.Write(second, Batch(5, 3), rowGroupRows: 1024);

        LanceTool.Succeed("import", first, "--db", db, "--table", "vectors", "--vector", "embedding", "--format", "2.0");
        LanceTool.Succeed("import", second, "--db", db, "--table", "vectors", "--vector", "embedding", "--mode", "append");

        var result = await LanceDbNode.RunAsync(
            """
            const db = await lancedb.connect(args[0]);
            const table = await db.openTable(args[1]);
            const rows = rowsOf(await table.query().toArrow());
            rows.sort((a, b) => a.id - b.id);
            emit({ version: await table.version(), count: await table.countRows(), rows });
            """,
            db,
            "vectors");

        Assert.Equal(2, result.GetProperty("version").GetInt32());
        Assert.Equal(8, result.GetProperty("count").GetInt32());
        var rows = result.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal(Enumerable.Range(0, 8), rows.Select(r => r.GetProperty("id").GetInt32()));
        foreach (var row in rows)
        {
            var id = row.GetProperty("id").GetInt32();
            Assert.Equal($"label {id} ✓", row.GetProperty("label").GetString());
            Assert.Equal(Vector(id).Select(v => (float)v), row.GetProperty("vector").EnumerateArray().Select(v => (float)v.GetDouble()));
        }
    }
}
