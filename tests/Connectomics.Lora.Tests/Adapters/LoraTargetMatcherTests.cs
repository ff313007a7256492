using System.ComponentModel.DataAnnotations;
using Connectomics.Lora.Adapters;

namespace Connectomics.Lora.Tests.Adapters;

public sealed class LoraTargetMatcherTests
{
    private static readonly string[] s_names =
    [
        "esm.encoder.layer.0.attention.output.dense",
        "esm.encoder.layer.0.attention.self.key",
        "esm.encoder.layer.0.attention.self.query",
        "esm.encoder.layer.0.attention.self.value",
        "esm.encoder.layer.0.intermediate.dense",
        "esm.encoder.layer.0.output.dense",
        "esm.encoder.layer.1.attention.self.query",
        "esm.encoder.layer.1.attention.self.value",
        "esm.encoder.layer.12.attention.self.query",
        "lm_head.dense",
        "lm_head.decoder",
    ];

    [Fact]
    public void The_default_targets_are_every_query_and_value_projection()
    {
        var selected = LoraTargetMatcher.Select(new LoraOptions(), s_names);

        Assert.Equal(
            [
                "esm.encoder.layer.0.attention.self.query", "esm.encoder.layer.0.attention.self.value",
                "esm.encoder.layer.1.attention.self.query", "esm.encoder.layer.1.attention.self.value",
                "esm.encoder.layer.12.attention.self.query",
            ],
            selected);
    }

    [Theory]
    [InlineData("dense", "esm.encoder.layer.0.attention.output.dense", true)]
    [InlineData("dense", "lm_head.dense", true)]
    [InlineData("output.dense", "esm.encoder.layer.0.attention.output.dense", true)]
    [InlineData("output.dense", "esm.encoder.layer.0.output.dense", true)]
    [InlineData("output.dense", "esm.encoder.layer.0.intermediate.dense", false)]
    [InlineData("uery", "esm.encoder.layer.0.attention.self.query", false)] // a suffix must start at a dot
    [InlineData("self", "esm.encoder.layer.0.attention.self.query", false)] // a parent is not its projections
    [InlineData("lm_head.dense", "lm_head.dense", true)] // the whole name
    [InlineData("esm.encoder.layer.1.attention.self.query", "esm.encoder.layer.1.attention.self.query", true)]
    public void A_list_entry_matches_the_whole_name_or_a_dotted_suffix(string entry, string name, bool expected)
    {
        var options = new LoraOptions { TargetModules = [entry] };

        Assert.Equal(expected, LoraTargetMatcher.IsTarget(options, name));
    }

    [Theory]
    [InlineData(@".*\.(query|value)", "esm.encoder.layer.0.attention.self.query", true)]
    [InlineData(@"query", "esm.encoder.layer.0.attention.self.query", false)] // full match, not a search
    [InlineData(@".*layer\.1\..*query", "esm.encoder.layer.1.attention.self.query", true)]
    [InlineData(@".*layer\.1\..*query", "esm.encoder.layer.12.attention.self.query", false)]
    [InlineData(@".*query|lm_head\.dense", "lm_head.dense", true)] // alternation spans the whole expression
    public void A_regex_must_match_the_whole_name(string regex, string name, bool expected)
    {
        var options = new LoraOptions { TargetModulesRegex = regex };

        Assert.Equal(expected, LoraTargetMatcher.IsTarget(options, name));
    }

    [Fact]
    public void Layers_to_transform_keep_only_the_listed_layer_indices()
    {
        var options = new LoraOptions { TargetModules = ["query", "dense"], LayersToTransform = [1, 12] };

        var selected = LoraTargetMatcher.Select(options, s_names);

        // lm_head.dense has no layer index, so a layer restriction drops it.
        Assert.Equal(["esm.encoder.layer.1.attention.self.query", "esm.encoder.layer.12.attention.self.query"], selected);
    }

    [Fact]
    public void A_layers_pattern_names_the_list_the_index_is_read_from()
    {
        Assert.Equal(12, LoraTargetMatcher.LayerIndex("esm.encoder.layer.12.attention.self.query", "layer"));
        Assert.Null(LoraTargetMatcher.LayerIndex("esm.encoder.layer.12.attention.self.query", "block"));
        Assert.Equal(12, LoraTargetMatcher.LayerIndex("esm.encoder.layer.12.attention.self.query", null));
        Assert.Null(LoraTargetMatcher.LayerIndex("lm_head.dense", null));

        var options = new LoraOptions { LayersToTransform = [0], LayersPattern = "block" };
        Assert.Empty(LoraTargetMatcher.Select(options, s_names));
    }

    [Fact]
    public void An_entry_equal_to_a_whole_name_ignores_the_layer_restriction_as_in_peft()
    {
        var options = new LoraOptions { TargetModules = ["esm.encoder.layer.0.attention.self.key", "query"], LayersToTransform = [1] };

        var selected = LoraTargetMatcher.Select(options, s_names);

        Assert.Equal(["esm.encoder.layer.0.attention.self.key", "esm.encoder.layer.1.attention.self.query"], selected);
    }

    [Fact]
    public void Rank_and_alpha_patterns_override_by_the_first_key_that_matches_a_name_end()
    {
        var options = new LoraOptions
        {
            Rank = 8,
            Alpha = 16,
            RankPattern = new Dictionary<string, int> { [@"layer\.0\.attention\.self\.query"] = 2, ["value"] = 4 },
            AlphaPattern = new Dictionary<string, double> { ["query"] = 3 },
        };

        Assert.Equal(2, LoraTargetMatcher.RankFor(options, "esm.encoder.layer.0.attention.self.query"));
        Assert.Equal(8, LoraTargetMatcher.RankFor(options, "esm.encoder.layer.1.attention.self.query"));
        Assert.Equal(4, LoraTargetMatcher.RankFor(options, "esm.encoder.layer.1.attention.self.value"));
        Assert.Equal(3, LoraTargetMatcher.AlphaFor(options, "esm.encoder.layer.1.attention.self.query"));
        Assert.Equal(16, LoraTargetMatcher.AlphaFor(options, "esm.encoder.layer.1.attention.self.value"));
        Assert.Equal(8, LoraTargetMatcher.RankFor(options, "esm.encoder.layer.1.attention.self.xvalue"));
    }

    [Fact]
    public void Inconsistent_options_are_refused_with_every_failure_listed()
    {
        var options = new LoraOptions
        {
            Rank = 0,
            Dropout = 1,
            TargetModulesRegex = "(",
            LayersToTransform = [1],
        };

        var error = Assert.Throws<ValidationException>(options.Validate);

        Assert.Contains(nameof(LoraOptions.Rank), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(LoraOptions.Dropout), error.Message, StringComparison.Ordinal);
        Assert.Contains("not a valid regular expression", error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be combined", error.Message, StringComparison.Ordinal);
        Assert.Throws<ValidationException>(new LoraOptions { TargetModules = [] }.Validate);
        Assert.Throws<ValidationException>(new LoraOptions { LayersPattern = "layer" }.Validate);
    }
}
