using System.Globalization;
using Connectomics.Chunks;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Store;
using Connectomics.Storage.Lance.Table;
using Connectomics.Storage.Tests.Lance.Store;
using Connectomics.Stores;

namespace Connectomics.Storage.Tests.Lance.Interop;

/// <summary>Tables of the vector store as the official client sees them, and writers in other processes: racing to
/// create a table, and killed in the middle of a tagged commit.</summary>
public sealed class VectorStoreInteropTests : IDisposable
{
    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-store-interop-");

    public void Dispose() => _db.Delete(recursive: true);

    [Fact]
    public async Task The_official_client_reads_the_rows_metadata_and_vectors_of_tagged_commits_searches_and_appends_and_the_tags_survive()
    {
        var store = LanceVectorStore.Open(_db.FullName);
        var table = await store.OpenTableAsync(StoreRows.Wide(dimension: 2));
        var when = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
        await using (var writer = await table.OpenWriterAsync("run-1", new ShardAssignment(0, 2)))
        {
            await writer.WriteAsync(new VectorBatch(
                ["r0", "r1"],
                [["a", null], [10, 20], [1L, null], [0.5f, null], [1.5, null], [true, null], [new DateOnly(2024, 1, 2), null], [when, null]],
                new float[] { 0.25f, -1, 3, 4 },
                2));
            Assert.Equal(2UL, await writer.CommitAsync(StoreRows.Tag("run-1", new ShardAssignment(0, 2), 2)));
            await writer.WriteAsync(new VectorBatch(["r2"], [["c"], [30], [3L], [1f], [2.0], [false], [null], [null]], new float[] { 1, 1 }, 2));
            Assert.Equal(3UL, await writer.CommitAsync(StoreRows.Tag("run-1", new ShardAssignment(0, 2), 3)));
        }

        var script = """
            const table = await (await lancedb.connect(args[0])).openTable('sequences');
            const schema = await table.schema();
            const rows = (await table.query().toArrow()).toArray().map(r => ({
              id: r.id, label: r.label, length: r.length, depth: r.depth === null ? null : String(r.depth), paired: r.paired,
              sampled: r.sampled === null ? null : new Date(r.sampled).toISOString(), read_at: r.read_at === null ? null : String(r.read_at),
              vector: Array.from(r.vector.toArray()) }));
            const near = rowsOf(await table.search([3, 3.5]).limit(2).select(['id']).toArrow());
            await table.add([{ id: 'js', label: 'node', length: 5, depth: 7, gc: 0.5, quality: 1, paired: true, sampled: null, read_at: null, vector: [9, 9] }]);
            emit({ version: await table.version(), count: await table.countRows(), metadata: Object.fromEntries(schema.metadata),
                   fields: schema.fields.map(f => `${f.name}:${f.type}:${f.nullable}`), rows, near: near.map(r => [r.id, r._distance]) });
            """;
        var result = await LanceDbNode.RunAsync(script, _db.FullName);

        Assert.Equal(4, result.GetProperty("count").GetInt32());
        Assert.Equal(4UL, result.GetProperty("version").GetUInt64());
        Assert.Equal("nt-v2-50m", result.GetProperty("metadata").GetProperty("connectomics.model").GetString());
        Assert.Equal("sha256:abc", result.GetProperty("metadata").GetProperty("connectomics.fingerprint").GetString());
        Assert.Equal(
            ["id:Utf8:false", "label:Utf8:true", "length:Int32:false", "depth:Int64:true", "gc:Float32:true", "quality:Float64:true", "paired:Bool:true",
             "sampled:Date32<DAY>:true", "read_at:Timestamp<MICROSECOND, UTC>:true", "vector:FixedSizeList[2]<Float32>:false"],
            result.GetProperty("fields").EnumerateArray().Select(e => e.GetString()));
        var rows = result.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(["r0", "r1", "r2"], rows.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal("[0.25,-1]", rows[0].GetProperty("vector").GetRawText());
        Assert.Equal("[3,4]", rows[1].GetProperty("vector").GetRawText());
        Assert.Equal("a", rows[0].GetProperty("label").GetString());
        Assert.Equal(20, rows[1].GetProperty("length").GetInt32());
        Assert.Equal("1", rows[0].GetProperty("depth").GetString());
        Assert.Equal("2024-01-02T00:00:00.000Z", rows[0].GetProperty("sampled").GetString());
        // Arrow JS hands out timestamps as milliseconds since the epoch, whatever their unit (microseconds here, as the field says).
        Assert.Equal(when.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), rows[0].GetProperty("read_at").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, rows[1].GetProperty("paired").ValueKind);

        // L2² to (3, 3.5): 0.25 for (3, 4), 10.25 for (1, 1).
        var near = result.GetProperty("near").EnumerateArray().Select(e => (e[0].GetString(), e[1].GetDouble())).ToList();
        Assert.Equal([("r1", 0.25), ("r2", 10.25)], near);

        // Our side sees the client's append, and the tag of the last tagged commit is still found beneath it.
        var reopened = await store.OpenTableAsync(StoreRows.Wide(dimension: 2));
        Assert.Equal(4UL, reopened.Version);
        Assert.Equal(4, reopened.RowCount);
        var found = await reopened.FindLastCommitAsync("run-1", new ShardAssignment(0, 2));
        Assert.Equal(3UL, found!.Version);
        Assert.Equal(WorkPosition.Within("input.parquet", 3), found.Tag.Position);
        // L2² to (8, 8): 2 for the client's (9, 9), 41 for (3, 4), 98 for (1, 1).
        Assert.Equal(["js", "r1"], StoreRows.Ids(await reopened.SearchAsync(new float[] { 8, 8 }, 2)));

        // And a writer appends after the client's version.
        await using (var writer = await reopened.OpenWriterAsync("run-1", new ShardAssignment(1, 2)))
        {
            await writer.WriteAsync(new VectorBatch(["r3"], [[null], [40], [null], [null], [null], [null], [null], [null]], new float[] { 5, 5 }, 2));
            Assert.Equal(5UL, await writer.CommitAsync(StoreRows.Tag("run-1", new ShardAssignment(1, 2), 1)));
        }

        Assert.Equal(5, (await LanceDbNode.RunAsync("emit({ count: await (await (await lancedb.connect(args[0])).openTable('sequences')).countRows() });", _db.FullName)).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Processes_racing_to_create_the_same_tables_all_open_them_and_each_table_is_created_once()
    {
        string[] tables = ["t0", "t1", "t2"];
        var start = Directory.CreateDirectory(Path.Combine(_db.FullName, "start")).FullName;
        var database = Path.Combine(_db.FullName, "db");
        var running = new List<Task<(int Code, string Stdout, string Stderr)>>();
        foreach (var table in tables)
        {
            foreach (var process in new[] { "a", "b" })
            {
                running.Add(WriterProcess.RunAsync("store-create", database, table, "4", start, $"{table}-{process}"));
            }
        }

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Directory.GetFiles(start, "*.ready").Length < running.Count && !running.Any(r => r.IsCompleted) && waited.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(10);
        }

        await File.WriteAllTextAsync(Path.Combine(start, "go"), string.Empty);
        var results = await Task.WhenAll(running);

        Assert.All(results, r => Assert.True(r.Code == 0 && r.Stdout.Trim() == "ok 1", $"exit {r.Code}: {r.Stdout} {r.Stderr}"));
        var store = LanceVectorStore.Open(database);
        foreach (var table in tables)
        {
            Assert.Equal([1UL], LanceTable.ListVersions(Path.Combine(database, table + ".lance")));
            var opened = await store.OpenTableAsync(table);
            Assert.Equal("f00d", opened.Definition.Metadata["fingerprint"]);
            Assert.Equal(["depth", "label"], opened.Definition.Columns.Select(c => c.Name));
        }
    }

    [Fact]
    public async Task A_writer_killed_at_any_stage_of_a_tagged_commit_leaves_its_tag_found_exactly_when_its_rows_are_visible()
    {
        var store = LanceVectorStore.Open(_db.FullName);
        var table = await store.OpenTableAsync(new VectorTableDefinition("t", [new RecordColumn("depth", RecordColumnType.Int64), new RecordColumn("label", RecordColumnType.String)], 4));
        var position = 0L;
        var expected = new List<string>();
        foreach (var stage in Enum.GetValues<CommitStage>())
        {
            position += 2;
            var (code, _, stderr) = await WriterProcess.RunAsync("store-crash", _db.FullName, "t", "run", stage.ToString(), "2", position.ToString(CultureInfo.InvariantCulture));
            if (OperatingSystem.IsLinux())
            {
                Assert.True(code == 137, $"the writer should die by SIGKILL at {stage} but exited with {code}: {stderr}");
            }

            var reopened = await store.OpenTableAsync("t");
            var found = await reopened.FindLastCommitAsync("run", ShardAssignment.Single);
            var ids = await TableReads.OurIdsAsync(Path.Combine(_db.FullName, "t.lance"));
            var official = await TableReads.OfficialAsync(Path.Combine(_db.FullName, "t.lance"));
            Assert.Equal(ids, official.Rows.Select(r => r.Split('|')[0]).ToList());
            var rowsVisible = ids.Contains($"run-{position}-0") && ids.Contains($"run-{position}-1");
            var tagFound = found?.Tag.Position == WorkPosition.Within("input", position);
            Assert.True(rowsVisible == tagFound, $"at {stage}: rows visible {rowsVisible}, tag found {tagFound}");
            Assert.Equal(stage == CommitStage.ManifestPublished, tagFound);
            if (tagFound)
            {
                expected.AddRange([$"run-{position}-0", $"run-{position}-1"]);
            }

            Assert.Equal(expected, ids);
        }

        // The three commits that never happened left one data file each; resuming removes them, and only them.
        await using var resumed = await (await store.OpenTableAsync("t")).OpenWriterAsync("run", ShardAssignment.Single);
        Assert.Equal(3, await resumed.RemoveUncommittedAsync());
        var data = Directory.GetFiles(Path.Combine(_db.FullName, "t.lance", "data")).Select(Path.GetFileName).ToList();
        Assert.Single(data);
        Assert.True(new OwnedDataFileNames("run", ShardAssignment.Single).IsOwned(data[0]!));
        await resumed.WriteAsync(new VectorBatch(["after"], [[1L], ["x"]], new float[4], 4));
        await resumed.CommitAsync(new CommitTag("run", ShardAssignment.Single, WorkPosition.Done));
        Assert.Equal([.. expected, "after"], await TableReads.OurIdsAsync(Path.Combine(_db.FullName, "t.lance")));
        Assert.Equal(WorkPosition.Done, (await (await store.OpenTableAsync("t")).FindLastCommitAsync("run", ShardAssignment.Single))!.Tag.Position);
    }
}
