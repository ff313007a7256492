using System.Text.Json;

namespace Connectomics.Lora.Tests.Peft;

/// <summary>What <c>peft_reference.py embed</c> computed for one read.</summary>
internal sealed record ReferenceRead(string Id, long[] InputIds, float[] Mean, float[] Cls, float[][] Hidden);

/// <summary>The output of <c>peft_reference.py embed</c>: the modules it wrapped and its embeddings.</summary>
internal sealed record ReferenceEmbeddings(IReadOnlyList<string> WrappedModules, double Scaling, IReadOnlyList<ReferenceRead> Reads);

/// <summary>
/// Runs <c>tools/fixtures/peft_reference.py embed</c>, the independent PyTorch reference of PEFT's LoRA, under Debian's
/// Python as a separate process: it loads an adapter directory the way PEFT reads it and embeds reads with it.
/// </summary>
internal static class PeftReferenceScript
{
    public static string Script => Path.Combine(RepositoryRoot.Path, "tools", "fixtures", "peft_reference.py");

    /// <summary>Embeds the reads of <paramref name="fasta"/> with <paramref name="baseDirectory"/> plus the adapter.</summary>
    public static async Task<ReferenceEmbeddings> EmbedAsync(string baseDirectory, string adapterDirectory, string fasta, string workDirectory)
    {
        var output = Path.Combine(workDirectory, "reference-embeddings.json");
        var (exitCode, stdout, stderr) = await DebianPython.RunAsync(
            "the PEFT reference needs Debian's Python with PyTorch: apt-get install python3-torch python3-numpy",
            [Script, "embed", "--base", baseDirectory, "--adapter", adapterDirectory, "--fasta", fasta, "--out", output]);
        Assert.True(exitCode == 0, $"{Script} embed exited with {exitCode}:\n{stderr}\n{stdout}");

        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        var root = document.RootElement;
        Assert.Equal("connectomics.lora-embeddings/1", root.GetProperty("schema").GetString());
        var reads = root.GetProperty("records").EnumerateArray().Select(r => new ReferenceRead(
            r.GetProperty("id").GetString()!,
            [.. r.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt64())],
            LoraCaseFile.Floats(r.GetProperty("mean")),
            LoraCaseFile.Floats(r.GetProperty("cls")),
            [.. r.GetProperty("hidden").EnumerateArray().Select(LoraCaseFile.Floats)])).ToList();
        return new ReferenceEmbeddings(
            [.. root.GetProperty("wrapped_modules").EnumerateArray().Select(e => e.GetString()!)],
            root.GetProperty("scaling").GetDouble(),
            reads);
    }
}
