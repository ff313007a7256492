using Apache.Arrow;
using Apache.Arrow.Types;

namespace Connectomics.Lance.Tests;

/// <summary>Every kind of bad input ends with a non-zero exit code, one <c>error:</c> line naming what is wrong, and the existing table untouched.</summary>
public sealed class BadInputTests(ExistingTableFixture table) : IClassFixture<ExistingTableFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("connectomics-lance-").FullName;
    private readonly string _db = table.Database;
    private readonly string _table = table.TablePath;
    private readonly string _good = table.Parquet;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Write(string name, ReadRow[] rows)
    {
        var path = Path.Combine(_work, name);
        TestParquet.Write(path, ReadRow.ToBatch(rows), rowGroupRows: 1024);
        return path;
    }

    /// <summary>Runs the tool, expects a failure with one error line that holds every fragment, and the table as it was.</summary>
    private void AssertFails(string[] arguments, params string[] fragments)
    {
        var before = DirectorySnapshot.Of(_table);

        var run = LanceTool.Run(arguments);

        Assert.NotEqual(0, run.Code);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        foreach (var fragment in fragments)
        {
            Assert.Contains(fragment, line, StringComparison.Ordinal);
        }

        Assert.Equal(string.Empty, run.Stdout);
        Assert.Equal(before, DirectorySnapshot.Of(_table));
    }

    private string[] Import(string file, string mode = "append", string vector = "embedding") =>
        ["import", file, "--db", _db, "--table", "t", "--vector", vector, "--mode", mode];

    [Fact]
    public void A_missing_file_is_named() =>
        AssertFails(Import(Path.Combine(_work, "missing.parquet")), "missing.parquet", "does not exist");

    [Fact]
    public void A_file_that_is_not_parquet_is_named()
    {
        var notes = Path.Combine(_work, "notes.parquet");
        File.WriteAllText(notes, "id,vector\n1,0.5\n");
        AssertFails(Import(notes, mode: "overwrite"), "notes.parquet", "not a Parquet file");
    }

    [Fact]
    public void An_unknown_table_is_named()
    {
        AssertFails(["head", "--db", _db, "--table", "nope"], "'nope'", "does not exist");
        AssertFails(["info", "--db", _db, "--table", "nope"], "'nope'", "does not exist");
    }

    [Fact]
    public void A_missing_vector_column_is_named() =>
        AssertFails(Import(_good, vector: "embeddings"), "good.parquet", "no column 'embeddings'", "'embedding'");

    [Fact]
    public void A_vector_column_of_the_wrong_type_is_named() =>
        AssertFails(Import(_good, vector: "name"), "good.parquet", "column 'name' is string", "list");

    [Fact]
    public void Vectors_of_different_lengths_name_the_file_row_and_both_dimensions()
    {
        var rows = ReadRow.Make(5, dimension: 3);
        rows[3] = rows[3] with { Embedding = [1f, 2f] };
        var ragged = Write("ragged.parquet", rows);

        AssertFails(Import(ragged, mode: "overwrite"), "ragged.parquet", "row 3", "has 2 values", "have 3 (as in row 0 of");
    }

    [Fact]
    public void A_dimension_that_differs_from_the_table_names_both()
    {
        var wide = Write("wide.parquet", ReadRow.Make(2, dimension: 6));
        AssertFails(Import(wide), "wide.parquet", "row 0", "has 6 values", "have 4 (as in table 't')");
    }

    [Fact]
    public void A_null_vector_in_a_later_file_leaves_the_table_as_it_was_even_on_overwrite()
    {
        var rows = ReadRow.Make(3, dimension: 4);
        rows[1] = rows[1] with { Embedding = null };
        var holes = Write("z-holes.parquet", rows);

        var good = Path.Combine(_work, "good.parquet");
        File.Copy(_good, good);

        AssertFails(["import", good, holes, "--db", _db, "--table", "t", "--vector", "embedding", "--mode", "overwrite"], "z-holes.parquet", "row 1", "null");
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_table, "data")));
    }

    [Fact]
    public void Create_refuses_an_existing_table() =>
        AssertFails(Import(_good, mode: "create"), "'t' already exists");

    [Fact]
    public void Bad_options_are_one_line_usage_errors()
    {
        AssertFails(["head", "--table", "t"], "--db");
        AssertFails([.. Import(_good), "--batch-rows", "0"], "--batch-rows");
        AssertFails(Import(_good, mode: "replace"), "replace");
        AssertFails(["head", "--db", _db, "--table", "t", "-n", "many"], "many");
        AssertFails(["info", "--db", _db, "--table", "../t"], "../t");
        Assert.Equal(2, LanceTool.Run("head", "--table", "t").Code);
        Assert.Equal(1, LanceTool.Run("head", "--db", _db, "--table", "nope").Code);
        Assert.Contains("rows: 4", LanceTool.Succeed("info", "--db", _db, "--table", "t"), StringComparison.Ordinal);
    }

    [Fact]
    public void Search_names_a_bad_query_vector_a_dimension_mismatch_and_an_unknown_filter_column()
    {
        string[] Search(string vector, params string[] more) => ["search", "--db", _db, "--table", "t", "--vector", vector, .. more];

        AssertFails(Search("0.5,abc,1,2"), "--vector", "item 2", "'abc'");
        AssertFails(Search("0.5,1,2"), "table 't'", "dimension 3", "dimension 4");
        AssertFails(Search("0.5,1,2,3", "--where", "colour = 'red'"), "table 't'", "colour");
        AssertFails(Search("0.5,1,2,3", "-k", "0"), "-k");
        AssertFails(Search("0.5,1,2,3", "--metric", "manhattan"), "manhattan");
        AssertFails(["search", "--db", _db, "--table", "nope", "--vector", "1,2,3,4"], "'nope'", "does not exist");
    }

    [Fact]
    public void Files_or_a_table_with_other_columns_name_the_difference()
    {
        var schema = new Schema.Builder()
            .Field(new Field("id", StringType.Default, false))
            .Field(new Field("embedding", new ListType(FloatType.Default), false))
            .Build();
        var ids = new StringArray.Builder().Append("a");
        var embeddings = new ListArray.Builder(FloatType.Default);
        embeddings.Append();
        ((FloatArray.Builder)embeddings.ValueBuilder).AppendRange([1f, 2f, 3f, 4f]);
        var other = Path.Combine(_work, "z-other.parquet");
        TestParquet.Write(other, new RecordBatch(schema, [ids.Build(), embeddings.Build()], 1), rowGroupRows: 1024);

        // Files are read in path order; the first one sets the columns the others must have.
        var good = Path.Combine(_work, "good.parquet");
        File.Copy(_good, good);

        AssertFails(["import", good, other, "--db", _db, "--table", "t", "--vector", "embedding", "--mode", "overwrite"], "z-other.parquet", "id (string)", "id (int64)");

        // The table is named by its name and database, not by one of its manifest files.
        AssertFails(Import(other), $"table 't' in '{_db}'", "cannot append", "column 'id' is int64 in the table but string in the rows");
        Assert.DoesNotContain(".manifest", LanceTool.Run(Import(other)).Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_to_a_missing_table_fails_and_creates_nothing()
    {
        var before = DirectorySnapshot.Of(_db);
        var directories = Directory.GetDirectories(_db);

        var run = LanceTool.Run(["import", _good, "--db", _db, "--table", "tt", "--vector", "embedding", "--mode", "append"]);

        Assert.Equal(1, run.Code);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains("table 'tt' does not exist", line, StringComparison.Ordinal);
        Assert.Contains($"'{_db}'", line, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.False(Directory.Exists(Path.Combine(_db, "tt.lance")));
        Assert.Equal(directories, Directory.GetDirectories(_db));
        Assert.Equal(before, DirectorySnapshot.Of(_db));
    }

    [Fact]
    public void A_truncated_parquet_file_is_named_and_called_truncated()
    {
        var bytes = File.ReadAllBytes(_good);
        var half = Path.Combine(_work, "half.parquet");
        File.WriteAllBytes(half, bytes[..(bytes.Length / 2)]);

        AssertFails(Import(half), "half.parquet", "truncated or not a Parquet file");
        var line = LanceTool.Run(Import(half)).Stderr;
        Assert.DoesNotMatch(@"N\d+(parquet|arrow)", line);
    }

    [Fact]
    public void A_bad_command_line_exits_with_2_and_other_errors_with_1()
    {
        Assert.Equal(2, LanceTool.Run().Code);
        Assert.Equal(2, LanceTool.Run("frobnicate").Code);
        Assert.Equal(2, LanceTool.Run("cleanup", "--db", _db, "--table", "t", "--older-than", "week").Code);
        Assert.Equal(2, LanceTool.Run("search", "--db", _db, "--table", "t").Code);
        Assert.Equal(2, LanceTool.Run("search", "--db", _db, "--table", "t", "--vector", "1,2,3,4", "--id", "1").Code);
        Assert.Equal(1, LanceTool.Run("cleanup", "--db", _db, "--table", "nope").Code);
        Assert.Equal(1, LanceTool.Run("search", "--db", _db, "--table", "t", "--id", "99").Code);
    }

    [Fact]
    public void Search_names_a_missing_row_a_bad_vector_file_and_an_npy_array_it_does_not_read()
    {
        string[] Search(params string[] more) => ["search", "--db", _db, "--table", "t", .. more];
        var text = Path.Combine(_work, "query.txt");
        File.WriteAllText(text, "0.5 1\n2, x\n");
        var matrix = Path.Combine(_work, "matrix.npy");
        File.WriteAllBytes(matrix, Npy.Build("<f4", "(1, 4)", new byte[16]));
        var bigEndian = Path.Combine(_work, "big.npy");
        File.WriteAllBytes(bigEndian, Npy.Build(">f4", "(4,)", new byte[16]));
        var short_ = Path.Combine(_work, "short.npy");
        File.WriteAllBytes(short_, Npy.Build("<f8", "(4,)", new byte[24]));

        AssertFails(Search("--id", "99"), "table 't'", "no row with id '99'");
        AssertFails(Search("--id", "1", "--id-column", "colour"), "no column 'colour'");
        AssertFails(Search("--vector-file", Path.Combine(_work, "none.txt")), "none.txt", "does not exist");
        AssertFails(Search("--vector-file", text), "query.txt", "item 4", "'x'");
        AssertFails(Search("--vector-file", matrix), "matrix.npy", "shape (1, 4)", "one-dimensional");
        AssertFails(Search("--vector-file", bigEndian), "big.npy", "'>f4'");
        AssertFails(Search("--vector-file", short_), "short.npy", "4 values (32 bytes)", "24 bytes");
        AssertFails(Search("--vector", "1,2,3,4", "--vector-file", text), "exactly one of --vector, --vector-file and --id");
    }
}
