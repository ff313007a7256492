using Apache.Arrow;
using Connectomics.Storage.Lance;

namespace Connectomics.Storage.Tests.Lance.Interop;

public sealed class WeReadOfficialClientTablesTests : IDisposable
{
    /// <summary>
    /// Creates table args[1] with 300 rows at storage version args[2], appends 50 more, then deletes rows whose
    /// index is a multiple of 7 (when args[3] is "delete").
    /// </summary>
    private const string CreateScript = """
        const db = await lancedb.connect(args[0]);
        const item = new arrow.Field('item', new arrow.Float32(), true);
        const schema = new arrow.Schema([
          new arrow.Field('id', new arrow.Utf8(), false),
          new arrow.Field('label', new arrow.Utf8(), true),
          new arrow.Field('i32', new arrow.Int32(), true),
          new arrow.Field('i64', new arrow.Int64(), false),
          new arrow.Field('f32', new arrow.Float32(), true),
          new arrow.Field('f64', new arrow.Float64(), true),
          new arrow.Field('flag', new arrow.Bool(), true),
          new arrow.Field('vector', new arrow.FixedSizeList(4, item), true),
        ]);
        const row = i => ({
          id: `n_${i}`,
          label: i % 4 === 3 ? null : ['alpha', 'beta', 'gamma'][i % 3],
          i32: i % 5 === 2 ? null : i - 7,
          i64: i * 1000003,
          f32: i % 6 === 1 ? null : i / 4,
          f64: i % 8 === 5 ? null : i / 8,
          flag: i % 9 === 4 ? null : i % 2 === 0,
          vector: i % 10 === 9 ? null : [i, i + 0.5, -i, 1],
        });
        const range = (a, b) => Array.from({ length: b - a }, (_, k) => row(a + k));
        const table = await db.createTable(args[1], range(0, 300), { schema, storageOptions: { new_table_data_storage_version: args[2] } });
        await table.add(range(300, 350));
        if (args[3] === 'delete') await table.delete('i64 % 7000021 = 0');
        if (args[3] === 'delete-most') await table.delete('i64 % 7000021 != 0');
        const fs = require('fs');
        const deletions = fs.existsSync(path.join(args[0], args[1] + '.lance', '_deletions'))
          ? fs.readdirSync(path.join(args[0], args[1] + '.lance', '_deletions')).map(f => path.extname(f)) : [];
        emit({ version: await table.version(), count: await table.countRows(), deletions });
        """;

    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-node-");

    public void Dispose() => _db.Delete(recursive: true);

    [Theory]
    [InlineData("keep", "")]
    [InlineData("delete", ".arrow")]
    [InlineData("delete-most", ".arrow")]
    public async Task A_2_0_table_written_by_the_official_client_reads_back(string deletes, string deletionFiles)
    {
        var created = await LanceDbNode.RunAsync(CreateScript, _db.FullName, "node20", "2.0", deletes);
        Assert.Equal(deletionFiles, string.Concat(created.GetProperty("deletions").EnumerateArray().Select(e => e.GetString()).Distinct()));
        var expectedIds = Enumerable.Range(0, 350).Where(i => deletes switch { "delete" => i % 7 != 0, "delete-most" => i % 7 == 0, _ => true }).ToList();
        Assert.Equal(expectedIds.Count, created.GetProperty("count").GetInt32());

        var table = await LanceTable.OpenAsync(Path.Combine(_db.FullName, "node20.lance"));
        Assert.Equal((ulong)created.GetProperty("version").GetInt32(), table.Version);
        Assert.Equal(LanceDataStorageVersion.V2_0, table.DataStorageVersion);
        Assert.Equal(expectedIds.Count, table.RowCount);
        Assert.Equal(
            ["id:utf8:False", "label:utf8:True", "i32:int32:True", "i64:int64:False", "f32:float:True", "f64:double:True", "flag:bool:True", "vector:fixed_size_list:True"],
            table.Schema.FieldsList.Select(f => $"{f.Name}:{f.DataType.Name}:{f.IsNullable}"));

        var seen = 0;
        await foreach (var batch in table.ScanAsync())
        {
            var id = (StringArray)batch.Column(0);
            var label = (StringArray)batch.Column(1);
            var i32 = (Int32Array)batch.Column(2);
            var i64 = (Int64Array)batch.Column(3);
            var f32 = (FloatArray)batch.Column(4);
            var f64 = (DoubleArray)batch.Column(5);
            var flag = (BooleanArray)batch.Column(6);
            var vector = (FixedSizeListArray)batch.Column(7);
            for (var r = 0; r < batch.Length; r++, seen++)
            {
                var i = expectedIds[seen];
                Assert.Equal($"n_{i}", id.GetString(r));
                Assert.Equal(i % 4 == 3 ? null : new[] { "alpha", "beta", "gamma" }[i % 3], label.GetString(r));
                Assert.Equal(i % 5 == 2 ? null : i - 7, i32.GetValue(r));
                Assert.Equal(i * 1000003L, i64.GetValue(r));
                Assert.Equal(i % 6 == 1 ? null : i / 4f, f32.GetValue(r));
                Assert.Equal(i % 8 == 5 ? null : i / 8d, f64.GetValue(r));
                Assert.Equal(i % 9 == 4 ? null : i % 2 == 0, flag.GetValue(r));
                Assert.Equal(i % 10 == 9, vector.IsNull(r));
                if (!vector.IsNull(r))
                {
                    Assert.Equal([i, i + 0.5f, -i, 1f], LanceVectors.Get(vector, r).ToArray());
                }
            }
        }

        Assert.Equal(expectedIds.Count, seen);
    }

    [Fact]
    public async Task A_default_2_1_table_from_the_official_client_opens_reads_plain_columns_and_rejects_compressed_ones()
    {
        await LanceDbNode.RunAsync(CreateScript, _db.FullName, "node21", "2.1", "keep");
        var table = await LanceTable.OpenAsync(Path.Combine(_db.FullName, "node21.lance"));
        Assert.Equal(LanceDataStorageVersion.V2_1, table.DataStorageVersion);
        Assert.Equal(350, table.RowCount);
        Assert.Equal(8, table.Schema.FieldsList.Count);

        // Plain columns (offsets + bytes, flat 64-bit values) decode; LanceDB compresses the rest.
        var ids = new List<string?>();
        var longs = new List<long?>();
        await foreach (var batch in table.ScanAsync(["id", "i64"]))
        {
            var id = (StringArray)batch.Column(0);
            var i64 = (Int64Array)batch.Column(1);
            ids.AddRange(Enumerable.Range(0, batch.Length).Select(r => id.GetString(r)));
            longs.AddRange(Enumerable.Range(0, batch.Length).Select(r => i64.GetValue(r)));
        }

        Assert.Equal(Enumerable.Range(0, 350).Select(i => $"n_{i}"), ids);
        Assert.Equal(Enumerable.Range(0, 350).Select(i => (long?)(i * 1000003L)), longs);

        var error = await Assert.ThrowsAsync<LanceFormatException>(async () =>
        {
            await foreach (var batch in table.ScanAsync(["i32"]))
            {
                Assert.Fail($"decoded {batch.Length} rows with bit-packed definition levels");
            }
        });
        Assert.Contains("inline_bitpacking are not supported", error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.FilePath);
    }

    [Theory]
    [InlineData("2.0")]
    [InlineData("2.1")]
    public async Task We_append_to_a_table_the_official_client_created_and_it_keeps_appending(string storage)
    {
        await LanceDbNode.RunAsync(CreateScript, _db.FullName, "theirs", storage, "keep");
        var path = Path.Combine(_db.FullName, "theirs.lance");
        var table = await LanceTable.OpenAsync(path);
        var schema = table.Schema;

        const int count = 20;
        var id = new StringArray.Builder();
        var label = new StringArray.Builder();
        var i32 = new Int32Array.Builder();
        var i64 = new Int64Array.Builder();
        var f32 = new FloatArray.Builder();
        var f64 = new DoubleArray.Builder();
        var flag = new BooleanArray.Builder();
        var vectors = new float[]?[count];
        for (var k = 0; k < count; k++)
        {
            id.Append($"ours_{k}");
            label.Append(k % 2 == 0 ? "ours" : null);
            i32.Append(k);
            i64.Append(-k);
            f32.AppendNull();
            f64.Append(k * 1.5);
            flag.Append(true);
            vectors[k] = k == 3 ? null : [k, 0, 0, 0];
        }

        var batch = new RecordBatch(schema, [id.Build(), label.Build(), i32.Build(), i64.Build(), f32.Build(), f64.Build(), flag.Build(), SampleBatches.VectorArray(vectors, 4)], count);
        await using (var writer = await LanceTableWriter.OpenAsync(path, schema, new LanceWriteOptions { Mode = LanceWriteMode.Append }))
        {
            Assert.Equal(storage == "2.0" ? LanceDataStorageVersion.V2_0 : LanceDataStorageVersion.V2_1, writer.DataStorageVersion);
            await writer.WriteAsync(batch);
            Assert.Equal(3UL, await writer.CompleteAsync());
        }

        var result = await LanceDbNode.RunAsync(
            """
            const table = await (await lancedb.connect(args[0])).openTable('theirs');
            const ours = rowsOf(await table.query().where("id LIKE 'ours_%'").toArrow());
            await table.add([{ id: 'again', label: null, i32: 1, i64: 1, f32: 1, f64: 1, flag: false, vector: [1, 1, 1, 1] }]);
            emit({ version: await table.version(), count: await table.countRows(), ours });
            """,
            _db.FullName);
        Assert.Equal(4, result.GetProperty("version").GetInt32());
        Assert.Equal(371, result.GetProperty("count").GetInt32());
        var ours = result.GetProperty("ours").EnumerateArray().OrderBy(r => int.Parse(r.GetProperty("id").GetString()!["ours_".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(count, ours.Count);
        for (var k = 0; k < count; k++)
        {
            Assert.Equal(k % 2 == 0 ? "ours" : null, ours[k].GetProperty("label").GetString());
            Assert.Equal((-k).ToString(System.Globalization.CultureInfo.InvariantCulture), ours[k].GetProperty("i64").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, ours[k].GetProperty("f32").ValueKind);
            Assert.Equal(k * 1.5, ours[k].GetProperty("f64").GetDouble());
            if (k == 3)
            {
                Assert.Equal(System.Text.Json.JsonValueKind.Null, ours[k].GetProperty("vector").ValueKind);
            }
            else
            {
                Assert.Equal([k, 0f, 0f, 0f], ours[k].GetProperty("vector").EnumerateArray().Select(e => e.GetSingle()));
            }
        }
    }

    [Fact]
    public async Task Roaring_deletion_bitmaps_written_by_the_official_client_are_honoured()
    {
        // Lance switches from an Arrow deletion file to a roaring bitmap above 5,000 deleted rows in a fragment.
        var created = await LanceDbNode.RunAsync(
            """
            const db = await lancedb.connect(args[0]);
            const rows = Array.from({ length: 6000 }, (_, i) => ({ n: i }));
            const schema = new arrow.Schema([new arrow.Field('n', new arrow.Int64(), false)]);
            const table = await db.createTable('many', rows, { schema, storageOptions: { new_table_data_storage_version: '2.0' } });
            await table.delete('n % 10 != 3');
            const fs = require('fs');
            emit({ count: await table.countRows(), files: fs.readdirSync(path.join(args[0], 'many.lance', '_deletions')) });
            """,
            _db.FullName);
        Assert.Equal(600, created.GetProperty("count").GetInt32());
        Assert.EndsWith(".bin", Assert.Single(created.GetProperty("files").EnumerateArray()).GetString(), StringComparison.Ordinal);

        var table = await LanceTable.OpenAsync(Path.Combine(_db.FullName, "many.lance"));
        Assert.Equal(600, table.RowCount);
        var values = new List<long>();
        await foreach (var batch in table.ScanAsync())
        {
            var n = (Int64Array)batch.Column(0);
            values.AddRange(Enumerable.Range(0, n.Length).Select(i => n.GetValue(i)!.Value));
        }

        Assert.Equal(Enumerable.Range(0, 600).Select(i => (i * 10L) + 3), values);
    }

    [Fact]
    public async Task Rows_deleted_by_the_official_client_are_skipped_in_every_page_of_our_fragments()
    {
        var path = Path.Combine(_db.FullName, "paged.lance");
        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.VectorSchema(4), new LanceWriteOptions { DataStorageVersion = LanceDataStorageVersion.V2_0, MaxRowsPerFragment = 100, MinRowsPerPage = 1 }))
        {
            for (var start = 0; start < 150; start += 30)
            {
                await writer.WriteAsync(SampleBatches.Vectors(start, 30, 4));
            }

            await writer.CompleteAsync();
        }

        await LanceDbNode.RunAsync(
            """
            const table = await (await lancedb.connect(args[0])).openTable('paged');
            await table.delete("id IN ('id_0', 'id_29', 'id_30', 'id_31', 'id_95', 'id_99', 'id_100', 'id_149')");
            emit({});
            """,
            _db.FullName);

        var table = await LanceTable.OpenAsync(path);
        Assert.Equal(142, table.RowCount);
        var sizes = new List<int>();
        var ids = new List<string?>();
        await foreach (var batch in table.ScanAsync(["id"]))
        {
            sizes.Add(batch.Length);
            var column = (StringArray)batch.Column(0);
            ids.AddRange(Enumerable.Range(0, column.Length).Select(i => column.GetString(i)));
        }

        int[] deleted = [0, 29, 30, 31, 95, 99, 100, 149];
        Assert.Equal(Enumerable.Range(0, 150).Where(i => !deleted.Contains(i)).Select(i => $"id_{i}"), ids);
        Assert.Equal([28, 28, 30, 8, 19, 29], sizes);
    }
}
