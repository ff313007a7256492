using System.Text.Json;

namespace Connectomics.Lance.Tests;

/// <summary><c>cleanup</c> after killed writers and on old versions, checked file by file and with the official LanceDB client.</summary>
public sealed class CleanupTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("connectomics-lance-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static string[] Names(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    private static Task<JsonElement> ClientViewAsync(string db, string table) => LanceDbNode.RunAsync(
        """
        const db = await lancedb.connect(args[0]);
        const table = await db.openTable(args[1]);
        const rows = rowsOf(await table.query().toArrow());
        rows.sort((a, b) => String(a.id).localeCompare(String(b.id)));
        const versions = (await table.listVersions()).map(v => Number(v.version));
        emit({ version: await table.version(), count: await table.countRows(), versions, rows });
        """,
        db,
        table);

    [Fact]
    public async Task Cleanup_removes_exactly_what_killed_writers_left_and_LanceDB_still_reads_the_table()
    {
        var db = Path.Combine(_work, "db");
        var table = Path.Combine(db, "t.lance");
        var committed = WriterProcess.Run("checkpoint", table, "ok", "3", Path.Combine(_work, "checkpoints"));
        Assert.True(committed.Code == 0, committed.Stderr);
        var before = DirectorySnapshot.Of(table);
        var beforeNames = Names(table);
        var clientBefore = await ClientViewAsync(db, "t");

        // Killed while writing data files, and with the manifest staged but not published.
        foreach (var stage in new[] { "Starting", "TransactionWritten", "ManifestStaged" })
        {
            var run = WriterProcess.Run("crash", table, "lost-" + stage, stage, "2");
            Assert.True(run.Code == 137, $"{stage}: exit {run.Code}: {run.Stderr}");
        }

        var orphans = Names(table).Except(beforeNames).ToArray();
        Assert.Equal(3, orphans.Count(o => o.StartsWith("data/", StringComparison.Ordinal) && o.EndsWith(".lance", StringComparison.Ordinal)));
        Assert.Equal(2, orphans.Count(o => o.StartsWith("_transactions/", StringComparison.Ordinal) && o.EndsWith(".txn", StringComparison.Ordinal)));
        Assert.Single(orphans, o => o.StartsWith("_versions/.tmp-", StringComparison.Ordinal));
        Assert.Equal(6, orphans.Length);
        var withOrphans = DirectorySnapshot.Of(table);

        // The default threshold (7 days) keeps files this young: they could belong to a writer at work.
        var young = JsonDocument.Parse(LanceTool.Succeed("cleanup", "--db", db, "--table", "t", "--json")).RootElement;
        Assert.Equal(0, young.GetProperty("files_removed").GetInt32());
        Assert.Equal(withOrphans, DirectorySnapshot.Of(table));

        // A dry run lists exactly the orphans and removes nothing.
        var dry = JsonDocument.Parse(LanceTool.Succeed("cleanup", "--db", db, "--table", "t", "--older-than", "0s", "--dry-run", "--json")).RootElement;
        Assert.True(dry.GetProperty("dry_run").GetBoolean());
        Assert.Equal(orphans, dry.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(withOrphans, DirectorySnapshot.Of(table));

        var text = LanceTool.Succeed("cleanup", "--db", db, "--table", "t", "--older-than", "0s");

        Assert.Equal(before, DirectorySnapshot.Of(table));
        var orphanBytes = dry.GetProperty("files").EnumerateArray().Sum(f => f.GetProperty("bytes").GetInt64());
        Assert.Equal(orphanBytes, dry.GetProperty("bytes_removed").GetInt64());
        Assert.Contains($"removed 6 file(s), {orphanBytes} bytes", text, StringComparison.Ordinal);
        Assert.Contains("data files:", text, StringComparison.Ordinal);
        var clientAfter = await ClientViewAsync(db, "t");
        Assert.Equal(clientBefore.GetRawText(), clientAfter.GetRawText());
        Assert.Equal(3, clientAfter.GetProperty("count").GetInt32());
        Assert.Equal([1], clientAfter.GetProperty("versions").EnumerateArray().Select(v => v.GetInt32()));
    }

    [Fact]
    public async Task Cleanup_removes_old_versions_but_the_latest_and_the_files_only_they_used()
    {
        var db = Path.Combine(_work, "db");
        var table = Path.Combine(db, "reads.lance");
        var first = Path.Combine(_work, "first.parquet");
        var second = Path.Combine(_work, "second.parquet");
        TestParquet.Write(first, ReadRow.ToBatch(ReadRow.Make(5, dimension: 3)), rowGroupRows: 1024);
        TestParquet.Write(second, ReadRow.ToBatch(ReadRow.Make(4, dimension: 3, firstId: 100)), rowGroupRows: 1024);
        LanceTool.Succeed("import", first, "--db", db, "--table", "reads", "--vector", "embedding");
        LanceTool.Succeed("import", second, "--db", db, "--table", "reads", "--vector", "embedding", "--mode", "append");
        var afterAppend = Names(table);
        LanceTool.Succeed("import", second, "--db", db, "--table", "reads", "--vector", "embedding", "--mode", "overwrite");
        var latestData = Names(table).Except(afterAppend).Single(n => n.StartsWith("data/", StringComparison.Ordinal));
        var clientBefore = await ClientViewAsync(db, "reads");
        Assert.Equal([1, 2, 3], clientBefore.GetProperty("versions").EnumerateArray().Select(v => v.GetInt32()));

        var result = JsonDocument.Parse(LanceTool.Succeed("cleanup", "--db", db, "--table", "reads", "--older-than", "0s", "--json")).RootElement;

        Assert.Equal([1, 2], result.GetProperty("removed_versions").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal([3], result.GetProperty("remaining_versions").EnumerateArray().Select(v => v.GetInt32()));
        var removed = result.GetProperty("files").EnumerateArray().ToLookup(f => f.GetProperty("kind").GetString(), f => f.GetProperty("path").GetString());
        Assert.Equal(2, removed["manifest"].Count());
        Assert.Equal(2, removed["transaction"].Count());
        Assert.Equal(2, removed["data"].Count());
        Assert.Empty(removed["temporary"]);
        Assert.Equal(["data/" + Path.GetFileName(latestData)], Names(Path.Combine(table, "data")).Select(n => "data/" + n));
        var clientAfter = await ClientViewAsync(db, "reads");
        Assert.Equal(clientBefore.GetProperty("rows").GetRawText(), clientAfter.GetProperty("rows").GetRawText());
        Assert.Equal(4, clientAfter.GetProperty("count").GetInt32());
        Assert.Equal([3], clientAfter.GetProperty("versions").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Contains("version: 3 (versions: 3)", LanceTool.Succeed("info", "--db", db, "--table", "reads"), StringComparison.Ordinal);
    }

    [Fact]
    public void Only_files_older_than_the_threshold_are_removed()
    {
        var db = Path.Combine(_work, "db");
        var table = Path.Combine(db, "t.lance");
        Assert.Equal(0, WriterProcess.Run("checkpoint", table, "ok", "2", Path.Combine(_work, "checkpoints")).Code);
        var before = Names(table);
        Assert.Equal(137, WriterProcess.Run("crash", table, "old", "Starting", "2").Code);
        var old = Names(table).Except(before).Single();
        Assert.Equal(137, WriterProcess.Run("crash", table, "new", "Starting", "2").Code);
        var recent = Names(table).Except(before).Except([old]).Single();
        File.SetLastWriteTimeUtc(Path.Combine(table, old), DateTime.UtcNow.AddHours(-3));

        var result = JsonDocument.Parse(LanceTool.Succeed("cleanup", "--db", db, "--table", "t", "--older-than", "2h", "--json")).RootElement;

        Assert.Equal([old], result.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()));
        Assert.False(File.Exists(Path.Combine(table, old)));
        Assert.True(File.Exists(Path.Combine(table, recent)));
    }

    [Fact]
    public void Cleanup_of_a_missing_table_names_it_and_the_database()
    {
        var run = LanceTool.Run("cleanup", "--db", _work, "--table", "nope");

        Assert.Equal(1, run.Code);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains($"table 'nope' does not exist in '{_work}'", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_work, "nope.lance")));
    }
}
