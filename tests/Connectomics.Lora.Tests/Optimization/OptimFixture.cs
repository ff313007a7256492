using System.Text.Json;

namespace Connectomics.Lora.Tests.Optimization;

/// <summary>Reads the JSON files that tools/fixtures/generate_optim_fixtures.py wrote from PyTorch 1.13.</summary>
internal static class OptimFixture
{
    public static JsonElement Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fixtures", "optim", name);
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.Clone();
    }

    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => (float)e.GetDouble()).ToArray();

    public static long[] Longs(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt64()).ToArray();
}
