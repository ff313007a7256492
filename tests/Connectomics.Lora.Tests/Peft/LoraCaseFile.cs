using System.Text.Json;

namespace Connectomics.Lora.Tests.Peft;

/// <summary>One read of a PEFT fixture with what the reference computed for it (tests/fixtures/lora/*/cases.json).</summary>
internal sealed record LoraCase(string Id, string Sequence, long[] InputIds, float[] Mean, float[] Cls, float[] BaseMean, float[][]? Hidden);

/// <summary>
/// A PEFT-style adapter written by <c>tools/fixtures/peft_reference.py generate</c> for a tiny checkpoint of
/// <c>tests/fixtures/nt</c>, with the embeddings the reference computes with it.
/// </summary>
internal sealed class LoraCaseFile
{
    private LoraCaseFile(string directory, JsonElement root)
    {
        Directory = directory;
        BaseDirectory = Path.GetFullPath(Path.Combine(directory, root.GetProperty("base").GetString()!));
        WrappedModules = [.. root.GetProperty("wrapped_modules").EnumerateArray().Select(e => e.GetString()!)];
        SavedKeys = [.. root.GetProperty("saved_keys").EnumerateArray().Select(e => e.GetString()!)];
        Rank = root.GetProperty("r").GetInt32();
        Scaling = root.GetProperty("scaling").GetDouble();
        Tolerance = root.GetProperty("tolerance").GetDouble();
        Cases = [.. root.GetProperty("cases").EnumerateArray().Select(ReadCase)];
    }

    /// <summary>Gets the folders of the variants the generator writes.</summary>
    public static TheoryData<string> Variants { get; } = new(["v2-query-value", "v2-rslora", "v2-bare-keys", "v2-adapter-name-kept", "v2-rank-pattern", "v1-query-value"]);

    /// <summary>Gets the folder of all PEFT fixtures (reads.fasta lies there).</summary>
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "fixtures", "lora");

    /// <summary>Gets the adapter directory (adapter_config.json, adapter_model.safetensors, cases.json).</summary>
    public string Directory { get; }

    /// <summary>Gets the base checkpoint the adapter was made for.</summary>
    public string BaseDirectory { get; }

    /// <summary>Gets the names of the wrapped modules, relative to the model the adapter was made on.</summary>
    public IReadOnlyList<string> WrappedModules { get; }

    /// <summary>Gets the tensor names in adapter_model.safetensors.</summary>
    public IReadOnlyList<string> SavedKeys { get; }

    public int Rank { get; }

    public double Scaling { get; }

    public double Tolerance { get; }

    public IReadOnlyList<LoraCase> Cases { get; }

    public static LoraCaseFile Load(string variant)
    {
        var directory = Path.Combine(Root, variant);
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "cases.json")));
        Assert.Equal("connectomics.lora-cases/1", document.RootElement.GetProperty("schema").GetString());
        return new LoraCaseFile(directory, document.RootElement.Clone());
    }

    private static LoraCase ReadCase(JsonElement c) => new(
        c.GetProperty("id").GetString()!,
        c.GetProperty("sequence").GetString()!,
        [.. c.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt64())],
        Floats(c.GetProperty("mean")),
        Floats(c.GetProperty("cls")),
        Floats(c.GetProperty("base_mean")),
        c.TryGetProperty("hidden", out var hidden) ? [.. hidden.EnumerateArray().Select(Floats)] : null);

    internal static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetSingle())];
}
