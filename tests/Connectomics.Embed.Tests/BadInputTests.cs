using System.Globalization;
using System.Text;

namespace Connectomics.Embed.Tests;

/// <summary>A table made once by a good run, copied into each test's directory before it runs the tool on bad input.</summary>
public sealed class GoodTable : IDisposable
{
    public GoodTable()
    {
        File.WriteAllText(Path.Combine(Directory, "good.fa"), ">g1 first\nACGTACGTACGTAAACCCGGGTTT\n>g2 second\nTTTGGGCCCAAAACGTACGTAC\n");
        var run = EmbedTool.Run(Directory, "--input", "good.fa", "--db", "out", "--table", "reads");
        Assert.True(run.Code == 0, run.Stderr);
    }

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("connectomics-good-").FullName;

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>
/// Bad input ends the tool with exit code 1 and one <c>error:</c> line that says what and where, and leaves what
/// earlier runs wrote exactly as it was; bad records are quarantined, or fail the run when asked.
/// </summary>
public sealed class BadInputTests : IClassFixture<GoodTable>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("connectomics-bad-").FullName;

    public BadInputTests(GoodTable good)
    {
        foreach (var file in Directory.EnumerateFiles(good.Directory, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_work, Path.GetRelativePath(good.Directory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Table => Path.Combine(_work, "out");

    /// <summary>Runs the tool on the table the good run made; asserts one error line and the table unchanged.</summary>
    private string FailsLeavingTheTable(params string[] arguments)
    {
        var before = EmbedTool.Hashes(Table);
        var run = EmbedTool.Run(_work, ["--db", "out", "--table", "reads", .. arguments]);
        var error = run.SingleError();
        Assert.Equal(before, EmbedTool.Hashes(Table));
        return error;
    }

    private string Write(string name, string text)
    {
        File.WriteAllText(Path.Combine(_work, name), text);
        return name;
    }

    [Fact]
    public void An_empty_fasta_file()
    {
        var error = FailsLeavingTheTable("--input", Write("empty.fa", string.Empty), "--run-id", "second");
        Assert.Contains("empty.fa", error, StringComparison.Ordinal);
        Assert.Contains("empty", error[(error.IndexOf("empty.fa", StringComparison.Ordinal) + 8)..], StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_data_that_starts_with_a_header_mark()
    {
        File.WriteAllBytes(Path.Combine(_work, "binary.fa"), [(byte)'>', 0x00, 0xFF, 0xFE, 0x01, 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0A, 0x00, 0xC3]);
        var error = FailsLeavingTheTable("--input", "binary.fa", "--run-id", "second");
        Assert.Contains("binary.fa", error, StringComparison.Ordinal);
        Assert.Contains("not text", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_input_file()
    {
        var error = FailsLeavingTheTable("--input", "missing.fa", "--run-id", "second");
        Assert.Contains("missing.fa", error, StringComparison.Ordinal);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_parquet_file_without_the_id_column()
    {
        ReadsParquet.Write(Path.Combine(_work, "reads.parquet"), 10);
        var error = FailsLeavingTheTable("--input", "reads.parquet", "--id-column", "read_name", "--run-id", "second");
        Assert.Contains("reads.parquet", error, StringComparison.Ordinal);
        Assert.Contains("read_name", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_existing_table_of_other_columns()
    {
        ReadsParquet.Write(Path.Combine(_work, "reads.parquet"), 10);
        var error = FailsLeavingTheTable("--input", "reads.parquet", "--keep", "taxonomy", "--run-id", "second");
        Assert.Contains("'reads'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_existing_table_of_another_model()
    {
        var error = FailsLeavingTheTable("--input", "good.fa", "--seed", "3", "--run-id", "second");
        Assert.Contains("'reads'", error, StringComparison.Ordinal);
        Assert.Contains("another model", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_with_a_header_and_no_bases_is_quarantined_or_fails_the_run()
    {
        Write("headers.fa", ">h1\nACGTACGTACGT\n>h2 nothing follows\n>h3\nGGGCCCAAATTT\n");

        var error = FailsLeavingTheTable("--input", "headers.fa", "--run-id", "fail", "--bad-records", "fail");
        Assert.Contains("file 'headers.fa', row 3, column 'sequence' (id 'h2')", error, StringComparison.Ordinal);

        var run = EmbedTool.Run(_work, "--input", "headers.fa", "--db", "out", "--table", "reads", "--run-id", "quarantine");
        Assert.True(run.Code == 0, run.Stderr);
        Assert.StartsWith("1 ", run.Summary("bad records"), StringComparison.Ordinal);
        Assert.Equal("2", run.Summary("rows written"));
    }

    [Fact]
    public void A_repeated_id_is_quarantined_or_fails_the_run()
    {
        Write("repeated.fa", ">d1\nACGTACGTACGT\n>d2\nGGGCCCAAATTT\n>d1 again\nTTTTAAAACCCC\n");

        var error = FailsLeavingTheTable("--input", "repeated.fa", "--run-id", "fail", "--bad-records", "fail");
        Assert.Contains("file 'repeated.fa', column 'id' (id 'd1')", error, StringComparison.Ordinal);

        var run = EmbedTool.Run(_work, "--input", "repeated.fa", "--db", "out", "--table", "reads", "--run-id", "quarantine");
        Assert.True(run.Code == 0, run.Stderr);
        Assert.StartsWith("1 ", run.Summary("bad records"), StringComparison.Ordinal);
        Assert.Equal("2", run.Summary("rows written"));
    }

    [Fact]
    public void A_repeated_id_in_parquet_names_the_file_row_and_column()
    {
        Directory.CreateDirectory(Path.Combine(_work, "parts"));
        ReadsParquet.Write(Path.Combine(_work, "parts", "a.parquet"), 5, rowGroupSize: 2);
        ReadsParquet.Write(Path.Combine(_work, "parts", "b.parquet"), 5, rowGroupSize: 2);

        var before = EmbedTool.Hashes(Table);
        var run = EmbedTool.Run(_work, "--input", "parts", "--db", "out", "--table", "parts", "--bad-records", "fail");

        Assert.Contains("file 'b.parquet', row 0, column 'id' (id 'r000000')", run.SingleError(), StringComparison.Ordinal);
        Assert.Equal(before.Where(f => !f.Key.StartsWith("parts.lance", StringComparison.Ordinal)), EmbedTool.Hashes(Table).Where(f => !f.Key.StartsWith("parts.lance", StringComparison.Ordinal)));
    }

    [Fact]
    public void Strict_with_many_records_and_one_bad_character_in_a_table_run_that_fails_on_bad_records()
    {
        // --strict is part of the model's identity, so the run writes a table of its own beside the good one.
        var before = EmbedTool.Hashes(Path.Combine(Table, "reads.lance"));
        var run = EmbedTool.Run(_work, "--input", Write("strict.fa", ManyRecordsOneBad()), "--db", "out", "--table", "strict", "--strict", "--bad-records", "fail");
        var error = run.SingleError();
        Assert.Equal(before, EmbedTool.Hashes(Path.Combine(Table, "reads.lance")));
        Assert.Contains("strict.fa", error, StringComparison.Ordinal);
        Assert.Contains("'r280'", error, StringComparison.Ordinal);
        Assert.Contains("'R'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Strict_with_many_records_and_one_bad_character_in_the_json_lines_form()
    {
        var output = Path.Combine(_work, "previous");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "embeddings.jsonl"), "{\"id\":\"previous\"}\n");
        var before = EmbedTool.Hashes(output);

        var run = EmbedTool.Run(_work, "--fasta", Write("strict.fa", ManyRecordsOneBad()), "--jsonl", Path.Combine(output, "embeddings.jsonl"), "--strict");

        var error = run.SingleError();
        Assert.Contains("strict.fa", error, StringComparison.Ordinal);
        Assert.Contains("'r280'", error, StringComparison.Ordinal);
        Assert.Equal(before, EmbedTool.Hashes(output));
    }

    [Theory]
    [InlineData("--input", "good.fa", "--bogus")]
    [InlineData("--input", "good.fa")]
    [InlineData("--input", "good.fa", "--db", "out")]
    public void A_bad_command_line_exits_with_2(params string[] arguments)
    {
        var before = EmbedTool.Hashes(Table);
        var run = EmbedTool.Run(_work, arguments);
        run.SingleError(code: 2);
        Assert.Equal(before, EmbedTool.Hashes(Table));
    }

    private static string ManyRecordsOneBad()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 300; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $">r{i}\nACGTACGTACGT{(i == 280 ? 'R' : 'A')}CCGGTTAA\n");
        }

        return text.ToString();
    }
}
