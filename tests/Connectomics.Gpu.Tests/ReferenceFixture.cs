using System.Text.Json;
using Connectomics.Sequences;

namespace Connectomics.Gpu.Tests;

/// <summary>A checkpoint made by the Python reference implementation (tools/fixtures) with its expected outputs.</summary>
public sealed class ReferenceFixture
{
    private ReferenceFixture(string directory, IReadOnlyList<ReferenceCase> cases, double tolerance)
    {
        Directory = directory;
        Cases = cases;
        Tolerance = tolerance;
    }

    public string Directory { get; }

    public IReadOnlyList<ReferenceCase> Cases { get; }

    public double Tolerance { get; }

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "nt", name);

    /// <summary>Loads a fixture; one without expected outputs of its own (the sharded copy) uses those of
    /// <paramref name="casesFrom"/>.</summary>
    public static ReferenceFixture Load(string name, string? casesFrom = null)
    {
        var directory = PathOf(name);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(PathOf(casesFrom ?? name), "cases.json")));
        var root = json.RootElement;
        var cases = root.GetProperty("cases").EnumerateArray().Select(c => new ReferenceCase(
            c.GetProperty("id").GetString()!,
            c.GetProperty("sequence").GetString()!,
            c.GetProperty("input_ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
            Floats(c, "mean"),
            Floats(c, "cls"),
            Floats(c, "max"))).ToArray();
        return new ReferenceFixture(directory, cases, root.TryGetProperty("tolerance", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : 1e-4);
    }

    public IReadOnlyList<SequenceRecord> Records => Cases.Select(c => new SequenceRecord(c.Id, c.Sequence)).ToArray();

    private static float[] Floats(JsonElement element, string name) => element.GetProperty(name).EnumerateArray().Select(e => e.GetSingle()).ToArray();
}

public sealed record ReferenceCase(string Id, string Sequence, int[] InputIds, float[] Mean, float[] Cls, float[] Max);
