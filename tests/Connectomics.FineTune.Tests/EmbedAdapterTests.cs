using System.Reflection;
using System.Text.Json;

namespace Connectomics.FineTune.Tests;

/// <summary>The adapter <c>train</c> writes is a PEFT LoRA adapter that <c>connectomics-embed --adapter</c> takes.</summary>
[Collection(FineTuneToolCollection.Name)]
public sealed class EmbedAdapterTests(TrainedRunFixture runs)
{
    [Fact]
    public void The_embedding_tool_accepts_the_adapter_and_its_vectors_are_the_adapted_model_s()
    {
        var adapted = Embed("--weights", "base", "--adapter", "run", "--fasta", "test.fasta", "--jsonl", "embed/adapted.jsonl");
        Assert.True(adapted.Code == 0, adapted.Stderr);
        Assert.Contains("adapter", adapted.Stderr, StringComparison.Ordinal);
        var bare = Embed("--weights", "base", "--fasta", "test.fasta", "--jsonl", "embed/bare.jsonl");
        Assert.True(bare.Code == 0, bare.Stderr);

        var withAdapter = Vectors(Path.Combine(runs.Work, "embed", "adapted.jsonl"));
        var without = Vectors(Path.Combine(runs.Work, "embed", "bare.jsonl"));
        Assert.Equal(runs.Test.Select(r => r.Id), withAdapter.Keys);
        Assert.Equal(withAdapter.Keys, without.Keys);

        // Training moved LoRA's B away from zero: every read's embedding differs from the bare base's.
        Assert.All(withAdapter, pair => Assert.True(
            pair.Value.Zip(without[pair.Key]).Max(v => Math.Abs(v.First - v.Second)) > 1e-4,
            $"{pair.Key}: the adapter changed nothing"));
    }

    private ToolRun Embed(params string[] arguments)
    {
        Directory.CreateDirectory(Path.Combine(runs.Work, "embed"));
        var configuration = typeof(EmbedAdapterTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = runs.Work,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "artifacts", "bin", "Connectomics.Embed", configuration.ToLowerInvariant(), "Connectomics.Embed.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new ToolRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static Dictionary<string, float[]> Vectors(string path)
    {
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            using var json = JsonDocument.Parse(line);
            vectors.Add(json.RootElement.GetProperty("id").GetString()!, [.. json.RootElement.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle())]);
        }

        return vectors;
    }
}
