using Connectomics.Lora.Optimization;
using TorchSharp;
using TorchSharp.Modules;

namespace Connectomics.Lora.Tests.Optimization;

public sealed class ParameterGroupsTests
{
    public ParameterGroupsTests() => TorchForTests.Ensure();

    [Theory]
    [InlineData("esm.encoder.layer.0.attention.self.query.lora_A.weight", false)]
    [InlineData("esm.encoder.layer.0.attention.self.query.weight", false)]
    [InlineData("esm.encoder.layer.0.attention.self.query.bias", true)]
    [InlineData("esm.encoder.layer.0.attention.LayerNorm.weight", true)]
    [InlineData("esm.encoder.layer.0.attention.LayerNorm.bias", true)]
    [InlineData("esm.encoder.emb_layer_norm_after.weight", true)]
    [InlineData("lm_head.layer_norm.weight", true)]
    [InlineData("lm_head.bias", true)]
    [InlineData("lm_head.decoder.weight", false)]
    [InlineData("head.norm1.weight", true)]
    [InlineData("bias", true)]
    [InlineData("head.classifiers.0.weight", false)]
    [InlineData("head.biased.weight", false)]
    [InlineData("head.normal", false)]
    public void Biases_and_normalisation_weights_are_exempt_from_decay(string name, bool exempt) =>
        Assert.Equal(exempt, ParameterGroups.IsExemptFromDecay(name));

    [Fact]
    public void Named_parameters_split_into_a_decaying_group_and_a_group_without_decay_in_order()
    {
        using var a = new Parameter(torch.zeros(2));
        using var b = new Parameter(torch.zeros(2));
        using var c = new Parameter(torch.zeros(2));
        using var d = new Parameter(torch.zeros(2));

        var groups = ParameterGroups.WithDecay([("x.weight", a), ("x.bias", b), ("y.weight", c), ("y.LayerNorm.weight", d)], 0.05);

        Assert.Equal(2, groups.Count);
        Assert.Equal(0.05, groups[0].WeightDecay);
        Assert.Equal(["x.weight", "y.weight"], groups[0].Parameters.Select(p => p.Name));
        Assert.Same(a, groups[0].Parameters[0].Parameter);
        Assert.Equal(0.0, groups[1].WeightDecay);
        Assert.Equal(["x.bias", "y.LayerNorm.weight"], groups[1].Parameters.Select(p => p.Name));

        var onlyWeights = ParameterGroups.WithDecay([("x.weight", a)], 0.05);
        Assert.Single(onlyWeights);
    }

    [Fact]
    public void A_group_refuses_repeated_or_empty_names_and_invalid_decay()
    {
        using var a = new Parameter(torch.zeros(2));
        Assert.Throws<ArgumentException>(() => new ParameterGroup([("x", a), ("x", a)], 0));
        Assert.Throws<ArgumentException>(() => new ParameterGroup([("", a)], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParameterGroup([("x", a)], -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParameterGroup([("x", a)], double.NaN));
    }
}
