using System.Text.Json;

namespace Connectomics.Embed.Tests;

/// <summary>The Embed sample, run in its own process as a user runs it.</summary>
public sealed class EmbedSampleTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("connectomics-embed-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private (int Code, string Stdout, string Stderr) Run(params string[] arguments)
    {
        var run = EmbedTool.Run(_work, arguments);
        return (run.Code, run.Stdout, run.Stderr);
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "nt", name);

    [Theory]
    [InlineData("v1-tiny")]
    [InlineData("v2-tiny")]
    public void Fasta_in_jsonl_out_matches_the_reference(string name)
    {
        using var cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixture(name), "cases.json")));
        var expected = cases.RootElement.GetProperty("cases").EnumerateArray()
            .Where(c => c.GetProperty("sequence").GetString() is { Length: > 0 } s && !s.Any(char.IsWhiteSpace))
            .ToArray();

        // The JSON-lines form refuses a record without bases, so the empty case is left out.
        // Wrapped at 7 characters a line, to exercise multi-line records (on one line where a wrapped line would
        // start with '>', as in "<mask>", and read as a header).
        var fasta = Path.Combine(_work, "reads.fa");
        File.WriteAllLines(fasta, expected.SelectMany(c =>
        {
            var sequence = c.GetProperty("sequence").GetString()!;
            var lines = sequence.Contains('>', StringComparison.Ordinal) ? [sequence] : sequence.Chunk(7).Select(chunk => new string(chunk));
            return new[] { $">{c.GetProperty("id").GetString()} some description" }.Concat(lines);
        }));
        var output = Path.Combine(_work, "out", "embeddings.jsonl");

        var (code, _, stderr) = Run("--weights", Fixture(name), "--fasta", fasta, "--jsonl", output, "--device", "cpu");

        Assert.True(code == 0, stderr);
        var lines = File.ReadAllLines(output);
        Assert.Equal(expected.Length, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            var row = line.RootElement;
            Assert.Equal(expected[i].GetProperty("id").GetString(), row.GetProperty("id").GetString());
            Assert.Equal(
                expected[i].GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()),
                row.GetProperty("tokens").EnumerateArray().Select(e => e.GetInt32()));
            var want = expected[i].GetProperty("mean").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            var got = row.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
            Assert.Equal(want.Length, got.Length);
            Assert.All(want.Zip(got), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-4, $"{p.First} vs {p.Second}"));
        }
    }

    [Fact]
    public void Bad_input_fails_with_one_line_and_leaves_existing_output_alone()
    {
        var output = Path.Combine(_work, "embeddings.jsonl");
        File.WriteAllText(output, "previous results\n");
        var fasta = Path.Combine(_work, "bad.fa");
        File.WriteAllText(fasta, ">ok\nACGTACGT\n>bad\nACGTRYACGT\n");

        var (code, _, stderr) = Run("--fasta", fasta, "--jsonl", output, "--strict", "--device", "cpu");

        Assert.Equal(1, code);
        var error = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("bad", error, StringComparison.Ordinal);
        Assert.Equal("previous results\n", File.ReadAllText(output));
        Assert.Single(Directory.EnumerateFiles(_work, "embeddings.jsonl*"));

        var missing = Run("--fasta", Path.Combine(_work, "missing.fa"), "--jsonl", output, "--device", "cpu");
        Assert.Equal(1, missing.Code);
        Assert.Contains("missing.fa", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sample_opts_into_the_fast_cpu_settings_and_reports_each_setting()
    {
        var (code, _, stderr) = Run("--device", "cpu", "--verbose", "--mkl-dispatch", "cpu-features", "--demo-reads", "20");
        Assert.True(code == 0, stderr);
        Assert.Contains("process settings: TuneNativeHeap, UseTransparentHugePages", stderr, StringComparison.Ordinal);
        Assert.Contains("TuneNativeHeap = true (configured; changed the process)", stderr, StringComparison.Ordinal);
        Assert.Contains("MklDispatch = CpuFeatures (configured;", stderr, StringComparison.Ordinal);
        Assert.Contains("IntraOpThreads = null (default; process unchanged)", stderr, StringComparison.Ordinal);

        var refused = Run("--device", "cpu", "--mkl-dispatch", "fast");
        Assert.Equal(1, refused.Code);
        Assert.Contains("error: --mkl-dispatch='fast' is not understood", refused.Stderr, StringComparison.Ordinal);
    }
}
