using System.Globalization;
using System.Text.Json;
using Apache.Arrow;
using Connectomics.Storage.Lance;

namespace Connectomics.Storage.Tests.Lance.Interop;

public sealed class OfficialClientReadsOurTablesTests : IDisposable
{
    private const string ReadScript = """
        const db = await lancedb.connect(args[0]);
        const table = await db.openTable(args[1]);
        const schema = await table.schema();
        const rows = rowsOf(await table.query().limit(1000000).toArrow());
        emit({
          names: await db.tableNames(),
          version: await table.version(),
          count: await table.countRows(),
          schema: schema.fields.map(f => ({ name: f.name, type: String(f.type), nullable: f.nullable })),
          rows,
        });
        """;

    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-db-");

    public void Dispose() => _db.Delete(recursive: true);

    [Theory]
    [InlineData(LanceDataStorageVersion.V2_0, 8, 65)]
    [InlineData(LanceDataStorageVersion.V2_1, 8, 65)]
    [InlineData(LanceDataStorageVersion.V2_0, 80, 2100)]
    [InlineData(LanceDataStorageVersion.V2_1, 80, 2100)]
    public async Task Every_column_type_reads_back_with_nulls(LanceDataStorageVersion version, int dimension, int count)
    {
        var path = Path.Combine(_db.FullName, "wide.lance");
        // Small tables keep one page per batch; large ones combine both batches into one page.
        var options = new LanceWriteOptions { DataStorageVersion = version, MinRowsPerPage = count < 100 ? 1 : 8192 };
        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.WideSchema(dimension), options))
        {
            await writer.WriteAsync(SampleBatches.Wide(0, count * 2 / 3, dimension));
            await writer.WriteAsync(SampleBatches.Wide(count * 2 / 3, count - (count * 2 / 3), dimension));
            Assert.Equal(1UL, await writer.CompleteAsync());
        }

        var result = await LanceDbNode.RunAsync(ReadScript, _db.FullName, "wide");
        Assert.Equal(["wide"], result.GetProperty("names").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(count, result.GetProperty("count").GetInt32());
        var schema = result.GetProperty("schema").EnumerateArray().Select(f => $"{f.GetProperty("name").GetString()}:{f.GetProperty("type").GetString()}:{f.GetProperty("nullable").GetBoolean()}").ToList();
        Assert.Equal(
            ["id:Utf8:False", "note:Utf8:True", "big:LargeUtf8:True", "i32:Int32:True", "i64:Int64:False", "f32:Float32:True", "f64:Float64:True", "flag:Bool:True", "at:Timestamp<MICROSECOND, UTC>:True", $"vector:FixedSizeList[{dimension}]<Float32>:True"],
            schema);
        var rows = result.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            AssertWideRow(rows[i], i, dimension);
        }
    }

    [Theory]
    [InlineData(LanceDataStorageVersion.V2_0)]
    [InlineData(LanceDataStorageVersion.V2_1)]
    public async Task Empty_and_overwritten_tables_open_and_accept_appends_from_the_official_client(LanceDataStorageVersion version)
    {
        var path = Path.Combine(_db.FullName, "t.lance");
        var options = new LanceWriteOptions { DataStorageVersion = version };
        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4), options))
        {
            Assert.Equal(1UL, await writer.CompleteAsync());
        }

        const string script = """
            const table = await (await lancedb.connect(args[0])).openTable('t');
            const before = await table.countRows();
            if (args[1] === 'add') await table.add([{ id: 'node', vector: [1, 2, 3, 4] }]);
            const rows = rowsOf(await table.query().select(['id']).toArrow());
            emit({ before, version: await table.version(), ids: rows.map(r => r.id) });
            """;
        var empty = await LanceDbNode.RunAsync(script, _db.FullName, "read");
        Assert.Equal(0, empty.GetProperty("before").GetInt32());
        Assert.Empty(empty.GetProperty("ids").EnumerateArray());

        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4), new LanceWriteOptions { Mode = LanceWriteMode.Overwrite, DataStorageVersion = version }))
        {
            await writer.WriteAsync(SampleBatches.Vectors(0, 3, 4));
            Assert.Equal(2UL, await writer.CompleteAsync());
        }

        var added = await LanceDbNode.RunAsync(script, _db.FullName, "add");
        Assert.Equal(3, added.GetProperty("before").GetInt32());
        Assert.Equal(3, added.GetProperty("version").GetInt32());
        Assert.Equal(["id_0", "id_1", "id_2", "node"], added.GetProperty("ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(4, (await LanceTable.OpenAsync(path)).RowCount);
    }

    internal static void AssertWideRow(JsonElement row, int i, int dimension)
    {
        Assert.Equal($"id_{i}", row.GetProperty("id").GetString());
        Assert.Equal((i * 1_000_000_007L).ToString(CultureInfo.InvariantCulture), row.GetProperty("i64").GetString());
        if (i % 3 == 1)
        {
            foreach (var name in new[] { "note", "big", "i32", "f32", "f64", "flag", "at" })
            {
                Assert.True(row.GetProperty(name).ValueKind == JsonValueKind.Null, $"row {i} column {name} should be null");
            }
        }
        else
        {
            Assert.Equal(i % 7 == 0 ? string.Empty : $"note {i} é", row.GetProperty("note").GetString());
            Assert.Equal(new string('x', i % 11), row.GetProperty("big").GetString());
            Assert.Equal(i - 50, row.GetProperty("i32").GetInt32());
            Assert.Equal(i * 0.5f, row.GetProperty("f32").GetSingle());
            Assert.Equal(i * 0.25, row.GetProperty("f64").GetDouble());
            Assert.Equal(i % 2 == 0, row.GetProperty("flag").GetBoolean());
            // Arrow JS renders timestamps as epoch milliseconds.
            Assert.Equal(1_700_000_000_000 + (i * 1000L), row.GetProperty("at").GetInt64());
        }

        var vector = row.GetProperty("vector");
        if (i % 5 == 4)
        {
            Assert.Equal(JsonValueKind.Null, vector.ValueKind);
        }
        else
        {
            Assert.Equal(SampleBatches.Vector(i, dimension), vector.EnumerateArray().Select(e => e.GetSingle()));
        }
    }
}
