namespace Connectomics.Gpu.Models;

/// <summary>
/// The published shapes of every Nucleotide Transformer checkpoint (InstaDeepAI on the Hugging Face hub), plus
/// <see cref="Tiny"/> for tests and demos. Reading a checkpoint's <c>config.json</c> gives the same configuration.
/// </summary>
public static class NucleotideTransformerPresets
{
    private static readonly EsmConfig V1Base = new()
    {
        HiddenSize = 1280,
        NumHiddenLayers = 24,
        NumAttentionHeads = 20,
        IntermediateSize = 5120,
        VocabSize = 4105,
        MaxPositionEmbeddings = 1002,
        PositionEmbeddingType = PositionEmbeddingType.Absolute,
        TokenDropout = true,
        AddBiasFnn = true,
    };

    private static readonly EsmConfig V2Base = new()
    {
        HiddenSize = 512,
        NumHiddenLayers = 12,
        NumAttentionHeads = 16,
        IntermediateSize = 2048,
        VocabSize = 4107,
        MaxPositionEmbeddings = 2050,
        PositionEmbeddingType = PositionEmbeddingType.Rotary,
        TokenDropout = false,
        AddBiasFnn = false,
    };

    /// <summary>Gets <c>nucleotide-transformer-500m-human-ref</c> (v1, 1280-dim, 24 layers).</summary>
    public static EsmConfig Human500m { get; } = V1Base;

    /// <summary>Gets <c>nucleotide-transformer-500m-1000g</c> (v1, 1280-dim, 24 layers).</summary>
    public static EsmConfig ThousandGenomes500m { get; } = V1Base;

    /// <summary>Gets <c>nucleotide-transformer-2.5b-1000g</c> (v1, 2560-dim, 32 layers).</summary>
    public static EsmConfig ThousandGenomes2500m { get; } = V1Base with { HiddenSize = 2560, NumHiddenLayers = 32, IntermediateSize = 10240 };

    /// <summary>Gets <c>nucleotide-transformer-2.5b-multi-species</c> (v1, 2560-dim, 32 layers).</summary>
    public static EsmConfig MultiSpecies2500m { get; } = ThousandGenomes2500m;

    /// <summary>Gets <c>nucleotide-transformer-v2-50m-multi-species</c> (v2, 512-dim, 12 layers).</summary>
    public static EsmConfig V2MultiSpecies50m { get; } = V2Base;

    /// <summary>Gets <c>nucleotide-transformer-v2-100m-multi-species</c> (v2, 512-dim, 22 layers).</summary>
    public static EsmConfig V2MultiSpecies100m { get; } = V2Base with { NumHiddenLayers = 22 };

    /// <summary>Gets <c>nucleotide-transformer-v2-250m-multi-species</c> (v2, 768-dim, 24 layers; 16 heads assumed —
    /// the checkpoint's <c>config.json</c> is authoritative).</summary>
    public static EsmConfig V2MultiSpecies250m { get; } = V2Base with { HiddenSize = 768, NumHiddenLayers = 24, IntermediateSize = 3072 };

    /// <summary>Gets <c>nucleotide-transformer-v2-500m-multi-species</c> (v2, 1024-dim, 29 layers).</summary>
    public static EsmConfig V2MultiSpecies500m { get; } = V2Base with { HiddenSize = 1024, NumHiddenLayers = 29, IntermediateSize = 4096 };

    /// <summary>Gets a small v2-shaped model (128-dim, 2 layers, 4 heads) for tests and demos.</summary>
    public static EsmConfig Tiny { get; } = V2Base with { HiddenSize = 128, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 512 };

    /// <summary>Gets the presets by name: the hub names without the <c>nucleotide-transformer-</c> prefix, plus
    /// <c>tiny</c>. Lookup ignores case and accepts the full hub name.</summary>
    public static IReadOnlyDictionary<string, EsmConfig> All { get; } = new Dictionary<string, EsmConfig>(StringComparer.OrdinalIgnoreCase)
    {
        ["500m-human-ref"] = Human500m,
        ["500m-1000g"] = ThousandGenomes500m,
        ["2.5b-1000g"] = ThousandGenomes2500m,
        ["2.5b-multi-species"] = MultiSpecies2500m,
        ["v2-50m-multi-species"] = V2MultiSpecies50m,
        ["v2-100m-multi-species"] = V2MultiSpecies100m,
        ["v2-250m-multi-species"] = V2MultiSpecies250m,
        ["v2-500m-multi-species"] = V2MultiSpecies500m,
        ["tiny"] = Tiny,
    };

    /// <summary>Finds a preset by name (see <see cref="All"/>); <c>v2-50m</c> is short for <c>v2-50m-multi-species</c>.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="ModelConfigurationException">No preset has that name.</exception>
    public static EsmConfig Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = name.Trim();
        const string HubPrefix = "InstaDeepAI/";
        if (key.StartsWith(HubPrefix, StringComparison.OrdinalIgnoreCase))
        {
            key = key[HubPrefix.Length..];
        }

        if (key.StartsWith("nucleotide-transformer-", StringComparison.OrdinalIgnoreCase))
        {
            key = key["nucleotide-transformer-".Length..];
        }

        if (All.TryGetValue(key, out var config) || All.TryGetValue(key + "-multi-species", out config))
        {
            return config;
        }

        throw new ModelConfigurationException($"No preset named '{name}'. Known presets: {string.Join(", ", All.Keys)}.");
    }
}
