using Connectomics.Gpu.Models;

namespace Connectomics.Gpu.Tests.Models;

public sealed class EsmConfigTests
{
    [Theory]
    [InlineData("v1-tiny", PositionEmbeddingType.Absolute, 4105, 1002, true, true)]
    [InlineData("v2-tiny", PositionEmbeddingType.Rotary, 4107, 2050, false, false)]
    public void Reads_a_hugging_face_config(string fixture, PositionEmbeddingType positions, int vocab, int maxPositions, bool tokenDropout, bool bias)
    {
        var config = EsmConfig.FromHuggingFaceFile(ReferenceFixture.PathOf(fixture));
        Assert.Equal(positions, config.PositionEmbeddingType);
        Assert.Equal(vocab, config.VocabSize);
        Assert.Equal(maxPositions, config.MaxPositionEmbeddings);
        Assert.Equal(tokenDropout, config.TokenDropout);
        Assert.Equal(bias, config.AddBiasFnn);
        Assert.Equal(1e-12, config.LayerNormEps);
        Assert.Equal(1, config.PadTokenId);
        Assert.Equal(2, config.MaskTokenId);
    }

    [Fact]
    public void Presets_round_trip_through_config_json()
    {
        var directory = Directory.CreateTempSubdirectory("esm-config-").FullName;
        try
        {
            foreach (var (name, preset) in NucleotideTransformerPresets.All)
            {
                File.WriteAllText(Path.Combine(directory, "config.json"), preset.ToHuggingFaceJson());
                Assert.Equal(preset, EsmConfig.FromHuggingFaceFile(directory));
                Assert.Same(preset, NucleotideTransformerPresets.Get(name.ToUpperInvariant()));
            }
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }

    [Theory]
    // Backbone parameter counts (embeddings + encoder) published for the NT checkpoints.
    [InlineData("500m-human-ref", 478_798_080L)]
    [InlineData("2.5b-multi-species", 2_530_726_400L)]
    [InlineData("v2-50m", 53_534_208L)]
    [InlineData("v2-100m", 95_518_208L)]
    [InlineData("v2-500m", 493_083_648L)]
    public void Preset_shapes_give_the_published_parameter_counts(string name, long expected)
    {
        var c = NucleotideTransformerPresets.Get(name);
        long h = c.HiddenSize, i = c.IntermediateSize;
        var embeddings = (c.VocabSize + (long)c.MaxPositionEmbeddings) * h;
        var attention = (4 * ((h * h) + h)) + (2 * h);
        var feedForward = c.AddBiasFnn ? (h * i) + i + (i * h) + h : (h * 2 * i) + (i * h);
        var layer = attention + feedForward + (2 * h);
        Assert.Equal(expected, embeddings + (c.NumHiddenLayers * layer) + (2 * h));
    }

    [Theory]
    [InlineData("config.json", "{ not json")]
    [InlineData("config.json", "[1, 2]")]
    [InlineData("tokenizer_config.json", "{ \"model_max_length\": ")]
    [InlineData("tokenizer_config.json", "\"text\"")]
    public void Malformed_json_files_are_named_in_the_error(string file, string content)
    {
        var directory = Directory.CreateTempSubdirectory("esm-config-bad-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "config.json"), NucleotideTransformerPresets.Tiny.ToHuggingFaceJson());
            File.WriteAllText(Path.Combine(directory, file), content);
            var error = Assert.Throws<ModelConfigurationException>(() => EsmConfig.FromHuggingFaceFile(directory));
            Assert.Contains(Path.Combine(directory, file), error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }

    [Fact]
    public void Bad_configs_are_rejected_with_every_problem_listed()
    {
        var bad = NucleotideTransformerPresets.Tiny with { HiddenSize = 130, IntermediateSize = 0 };
        var error = Assert.Throws<ArgumentException>(bad.Validate);
        Assert.Contains("HiddenSize (130) must be a multiple of NumAttentionHeads (4)", error.Message, StringComparison.Ordinal);
        Assert.Contains("IntermediateSize must be positive", error.Message, StringComparison.Ordinal);
        Assert.Throws<ModelConfigurationException>(() => NucleotideTransformerPresets.Get("nope"));
        Assert.Throws<ModelConfigurationException>(() => EsmConfig.FromHuggingFaceFile("/nonexistent/config.json"));
    }
}
