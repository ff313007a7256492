using System.Text.Json;

namespace Connectomics.Embed.Tests;

/// <summary>
/// <c>--weights BASE --adapter DIR</c>: a PEFT LoRA adapter merged into the checkpoint before embedding. The expected
/// vectors come from the independent PEFT reference (tools/fixtures/peft_reference.py), which wrote the adapters under
/// tests/fixtures/lora for the tiny checkpoints of tests/fixtures/nt and computed their mean-pooled embeddings.
/// </summary>
public sealed class AdapterTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "fixtures");
    private readonly string _work = Directory.CreateTempSubdirectory("connectomics-adapter-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private static string Base(string name) => Path.Combine(Fixtures, "nt", name);

    private static string Adapter(string variant) => Path.Combine(Fixtures, "lora", variant);

    private static string Reads => Path.Combine(Fixtures, "lora", "reads.fasta");

    [Theory]
    [InlineData("v2-tiny", "v2-query-value")]
    [InlineData("v2-tiny", "v2-bare-keys")]
    [InlineData("v1-tiny", "v1-query-value")]
    public void The_json_lines_form_embeds_with_a_peft_adapter_as_the_reference_does(string baseName, string variant)
    {
        var run = EmbedTool.Run(_work, "--weights", Base(baseName), "--adapter", Adapter(variant), "--fasta", Reads, "--jsonl", "out.jsonl");

        Assert.True(run.Code == 0, run.Stderr);
        Assert.Contains("adapter ", run.Stderr, StringComparison.Ordinal);
        var expected = ReferenceCases(variant);
        var lines = File.ReadAllLines(Path.Combine(_work, "out.jsonl"));
        Assert.Equal(expected.Count, lines.Length);
        foreach (var line in lines)
        {
            using var record = JsonDocument.Parse(line);
            var id = record.RootElement.GetProperty("id").GetString()!;
            var (ids, mean, baseMean) = expected[id];
            Assert.Equal(ids, record.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetInt64()));
            var vector = record.RootElement.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            AssertWithin(mean, vector, 1e-4, id);
            Assert.True(MaxAbsDifference(baseMean, vector) > 1e-2, $"{id}: the adapter is not applied");
        }
    }

    [Fact]
    public void An_adapter_without_its_base_checkpoint_is_a_usage_error()
    {
        var run = EmbedTool.Run(_work, "--adapter", Adapter("v2-query-value"), "--fasta", Reads, "--jsonl", "out.jsonl");

        var error = run.SingleError(code: 2);
        Assert.Contains("--adapter needs --weights", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_work, "out.jsonl")));
    }

    [Fact]
    public void A_directory_without_an_adapter_fails_with_one_error_line_and_writes_nothing()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_work, "not-an-adapter")).FullName;

        var run = EmbedTool.Run(_work, "--weights", Base("v2-tiny"), "--adapter", empty, "--fasta", Reads, "--jsonl", "out.jsonl");

        var error = run.SingleError();
        Assert.Contains("adapter_config.json", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_work, "out.jsonl")));
    }

    [Fact]
    public async Task A_table_made_with_one_adapter_refuses_another_adapter_and_the_bare_base()
    {
        string[] Arguments(params string[] model) => ["--input", Reads, "--db", "db", "--table", "reads", "--weights", Base("v2-tiny"), .. model];

        var run = EmbedTool.Run(_work, Arguments("--adapter", Adapter("v2-query-value")));
        Assert.True(run.Code == 0, run.Stderr);
        var table = await OfficialTable.ReadAsync(Path.Combine(_work, "db"), "reads");
        var expected = ReferenceCases("v2-query-value");
        Assert.Equal(expected.Count, table.RowCount);
        Assert.Equal(Adapter("v2-query-value"), table.Metadata["connectomics.adapter"]);
        foreach (var (id, (_, mean, _)) in expected)
        {
            AssertWithin(mean, OfficialTable.Vector(table.Rows[id]), 1e-4, id);
        }

        var before = EmbedTool.Hashes(Path.Combine(_work, "db"));
        foreach (var other in new[] { Arguments("--adapter", Adapter("v2-adapter-name-kept")), Arguments() })
        {
            var refused = EmbedTool.Run(_work, other);
            var error = refused.SingleError();
            Assert.Contains("'reads'", error, StringComparison.Ordinal);
            Assert.Contains("model fingerprint", error, StringComparison.Ordinal);
            Assert.Equal(before, EmbedTool.Hashes(Path.Combine(_work, "db")));
        }

        // The same adapter again is the same run, already complete.
        var again = EmbedTool.Run(_work, Arguments("--adapter", Adapter("v2-query-value")));
        Assert.True(again.Code == 0, again.Stderr);
        Assert.Contains("already complete", again.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Per read: the reference's token ids, its mean-pooled embedding (CLS included, the tool's default
    /// pooling) with the adapter, and the base checkpoint's without it.</summary>
    private static Dictionary<string, (long[] Ids, float[] Mean, float[] BaseMean)> ReferenceCases(string variant)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Adapter(variant), "cases.json")));
        return document.RootElement.GetProperty("cases").EnumerateArray().ToDictionary(
            c => c.GetProperty("id").GetString()!,
            c => (
                c.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt64()).ToArray(),
                c.GetProperty("mean").EnumerateArray().Select(e => e.GetSingle()).ToArray(),
                c.GetProperty("base_mean").EnumerateArray().Select(e => e.GetSingle()).ToArray()),
            StringComparer.Ordinal);
    }

    private static double MaxAbsDifference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        return expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();
    }

    private static void AssertWithin(float[] expected, float[] actual, double tolerance, string id)
    {
        var difference = MaxAbsDifference(expected, actual);
        Assert.True(difference <= tolerance, $"{id}: differs from the reference by {difference:G3} (tolerance {tolerance:G3})");
    }
}
