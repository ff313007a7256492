using System.Globalization;
using System.Text.Json;

namespace Connectomics.Lance.Tests;

/// <summary>import, head and info, run as processes on Parquet files written here.</summary>
public sealed class ImportHeadInfoTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("connectomics-lance-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Db => Path.Combine(_work, "db");

    private string WriteParquet(string name, IReadOnlyList<ReadRow> rows, long rowGroupRows = 1024)
    {
        var path = Path.Combine(_work, name);
        TestParquet.Write(path, ReadRow.ToBatch(rows), rowGroupRows);
        return path;
    }

    private static JsonElement[] HeadJson(string db, string table, int rows = 1000) =>
        [.. LanceTool.Succeed("head", "--db", db, "--table", table, "-n", rows.ToString(CultureInfo.InvariantCulture), "--json")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())];

    private static void AssertRow(ReadRow expected, JsonElement actual)
    {
        Assert.Equal(
            ["id", "name", "score", "flag", "count", "seen", "vector"],
            actual.EnumerateObject().Select(p => p.Name));
        Assert.Equal(expected.Id, actual.GetProperty("id").GetInt64());
        if (expected.Name is null)
        {
            Assert.Equal(JsonValueKind.Null, actual.GetProperty("name").ValueKind);
        }
        else
        {
            Assert.Equal(expected.Name, actual.GetProperty("name").GetString());
        }

        Assert.Equal(expected.Score, actual.GetProperty("score").GetDouble());
        Assert.Equal(expected.Flag, actual.GetProperty("flag").GetBoolean());
        if (expected.Count is int count)
        {
            Assert.Equal(count, actual.GetProperty("count").GetInt32());
        }
        else
        {
            Assert.Equal(JsonValueKind.Null, actual.GetProperty("count").ValueKind);
        }

        Assert.Equal(expected.Seen.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture), actual.GetProperty("seen").GetString());
        Assert.Equal(expected.Embedding, actual.GetProperty("vector").EnumerateArray().Select(v => v.GetSingle()));
    }

    [Fact]
    public void Import_then_head_json_gives_back_exactly_the_rows_written()
    {
        // Three row groups of 3, 3 and 1 rows, read two rows at a time.
        var rows = ReadRow.Make(7, dimension: 5);
        var parquet = WriteParquet("reads.parquet", rows, rowGroupRows: 3);

        var imported = LanceTool.Succeed("import", parquet, "--db", Db, "--table", "reads", "--vector", "embedding", "--batch-rows", "2");

        Assert.Equal($"wrote 7 rows from 1 file(s) to {Path.Combine(Db, "reads.lance")}, version 1", imported.Trim());
        var head = HeadJson(Db, "reads");
        Assert.Equal(rows.Length, head.Length);
        for (var i = 0; i < rows.Length; i++)
        {
            AssertRow(rows[i], head[i]);
        }

        Assert.Equal(3, HeadJson(Db, "reads", rows: 3).Length);
    }

    [Fact]
    public void Head_without_json_prints_an_aligned_table_with_vectors_abbreviated()
    {
        var rows = ReadRow.Make(2, dimension: 5);
        LanceTool.Succeed("import", WriteParquet("reads.parquet", rows), "--db", Db, "--table", "reads", "--vector", "embedding");

        var lines = LanceTool.Run("head", "--db", Db, "--table", "reads").StdoutLines;

        Assert.Equal(4, lines.Length);
        Assert.StartsWith("id  name    score", lines[0], StringComparison.Ordinal);
        Assert.Matches("^-+  -+  -+", lines[1]);
        var v = rows[1].Embedding!;
        Assert.EndsWith(
            string.Create(CultureInfo.InvariantCulture, $"[{v[0]}, {v[1]}, {v[2]}, … (5 values)]"),
            lines[3],
            StringComparison.Ordinal);
        Assert.Contains(" null ", lines[3], StringComparison.Ordinal);
        Assert.Equal(lines[0].IndexOf("vector", StringComparison.Ordinal), lines[2].IndexOf('[', StringComparison.Ordinal));
    }

    [Fact]
    public void Append_adds_rows_in_a_new_version_and_overwrite_replaces_them()
    {
        var first = ReadRow.Make(3, dimension: 4);
        var second = ReadRow.Make(2, dimension: 4, firstId: 100);
        var third = ReadRow.Make(1, dimension: 4, firstId: 200);
        string[] Import(string file, string mode) => LanceTool.Succeed("import", file, "--db", Db, "--table", "t", "--vector", "embedding", "--mode", mode)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.EndsWith("version 1", Import(WriteParquet("a.parquet", first), "create").Single(), StringComparison.Ordinal);
        Assert.EndsWith("version 2", Import(WriteParquet("b.parquet", second), "append").Single(), StringComparison.Ordinal);

        Assert.Equal(first.Concat(second).Select(r => r.Id), HeadJson(Db, "t").Select(r => r.GetProperty("id").GetInt64()));
        var info = LanceTool.Succeed("info", "--db", Db, "--table", "t").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("version: 2 (versions: 1, 2)", info);
        Assert.Contains("data format: 2.1", info);
        Assert.Contains("fragments: 2", info);
        Assert.Contains("rows: 5", info);
        Assert.Contains("  id: int64 not null", info);
        Assert.Contains("  name: string", info);
        Assert.Contains("  seen: timestamp[us, UTC] not null", info);
        Assert.Contains("  vector: fixed_size_list<float, 4> not null", info);

        Assert.EndsWith("version 3", Import(WriteParquet("c.parquet", third), "overwrite").Single(), StringComparison.Ordinal);

        var head = HeadJson(Db, "t");
        AssertRow(third[0], Assert.Single(head));
        info = LanceTool.Succeed("info", "--db", Db, "--table", "t").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("version: 3 (versions: 1, 2, 3)", info);
        Assert.Contains("rows: 1", info);
        Assert.Contains("fragments: 1", info);
    }

    [Fact]
    public void Directories_and_globs_import_every_file_in_path_order()
    {
        var parts = Directory.CreateDirectory(Path.Combine(_work, "parts")).FullName;
        var a = ReadRow.Make(2, dimension: 3);
        var b = ReadRow.Make(3, dimension: 3, firstId: 10);
        TestParquet.Write(Path.Combine(parts, "part-0.parquet"), ReadRow.ToBatch(a), 1024);
        TestParquet.Write(Path.Combine(parts, "part-1.parquet"), ReadRow.ToBatch(b), 1024);

        var fromDirectory = LanceTool.Succeed("import", parts, "--db", Db, "--table", "dir", "--vector", "embedding", "--format", "2.0");
        var fromGlob = LanceTool.Succeed("import", Path.Combine(parts, "part-*.parquet"), "--db", Db, "--table", "glob", "--vector", "embedding");

        Assert.StartsWith("wrote 5 rows from 2 file(s)", fromDirectory, StringComparison.Ordinal);
        Assert.StartsWith("wrote 5 rows from 2 file(s)", fromGlob, StringComparison.Ordinal);
        var expected = a.Concat(b).Select(r => r.Id).ToArray();
        Assert.Equal(expected, HeadJson(Db, "dir").Select(r => r.GetProperty("id").GetInt64()));
        Assert.Equal(expected, HeadJson(Db, "glob").Select(r => r.GetProperty("id").GetInt64()));
        Assert.Contains("data format: 2.0", LanceTool.Succeed("info", "--db", Db, "--table", "dir"), StringComparison.Ordinal);
    }
}
