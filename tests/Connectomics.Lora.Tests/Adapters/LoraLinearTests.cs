using Connectomics.Lora.Adapters;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Lora.Tests.Adapters;

[Collection(GlobalGeneratorCollection.Name)]
public sealed class LoraLinearTests
{
    public LoraLinearTests()
    {
        // Loads the native runtime the way the package does (the first model applies it).
        SmallEncoders.Create().Dispose();
    }

    [Fact]
    public void A_new_adapter_leaves_the_output_of_the_base_layer_unchanged()
    {
        var baseLayer = nn.Linear(6, 5);
        using var x = torch.randn(3, 6);
        using var expected = baseLayer.forward(x);
        using var layer = new LoraLinear(baseLayer, rank: 2, alpha: 4);

        using var actual = layer.forward(x);

        Assert.True(SmallEncoders.Identical(actual, expected));
        Assert.Equal(0.0, layer.LoraB.weight!.abs().sum().item<float>());
    }

    [Fact]
    public void A_is_drawn_exactly_as_libtorch_initialises_a_linear_layer_from_the_same_seed()
    {
        // nn.Linear's default init is kaiming_uniform_(a = √5) from the global generator: the independent truth.
        torch.manual_seed(1234);
        using var reference = nn.Linear(7, 3, hasBias: false);
        using var generator = new Generator(1234);

        using var layer = new LoraLinear(nn.Linear(7, 4), rank: 3, alpha: 8, generator: generator);

        Assert.True(SmallEncoders.Identical(layer.LoraA.weight!, reference.weight!));
        Assert.Equal(1 / Math.Sqrt(7), LoraLinear.KaimingUniformBound(7), 12);
    }

    [Fact]
    public void The_update_is_scaled_by_alpha_over_r_or_alpha_over_the_root_of_r()
    {
        var plain = Fixed(useRsLora: false);
        var stabilised = Fixed(useRsLora: true);
        using var x = torch.tensor(new float[] { 1, 2 }).view(1, 2);

        // base: W = [[1, 0], [0, 1], [1, 1]], b = 0 → [1, 2, 3]. A = [[1, 1]] → 3 for every rank row (r = 4 rows
        // of ones); B = 0.5 everywhere → B·A·x = 4 × 0.5 × 3 = 6 per output; alpha 8: scaling 2 (plain), 4 (rsLoRA).
        using var y1 = plain.forward(x);
        using var y2 = stabilised.forward(x);

        Assert.Equal(new float[] { 13, 14, 15 }, y1.data<float>().ToArray());
        Assert.Equal(new float[] { 25, 26, 27 }, y2.data<float>().ToArray());
        Assert.Equal(2.0, plain.Scaling);
        Assert.Equal(4.0, stabilised.Scaling);
    }

    [Fact]
    public void Merged_outputs_equal_unmerged_outputs_and_unmerging_restores_the_weight()
    {
        var baseLayer = nn.Linear(16, 12);
        using var original = baseLayer.weight!.clone();
        using var layer = new LoraLinear(baseLayer, rank: 4, alpha: 16, generator: new Generator(3));
        using (torch.no_grad())
        {
            layer.LoraB.weight!.normal_(0, 0.5, new Generator(4));
        }

        using var x = torch.randn(5, 16, generator: new Generator(9));
        using var unmerged = layer.forward(x);
        Assert.True(SmallEncoders.MaxAbsDifference(unmerged, baseLayer.forward(x)) > 1e-2, "the adapter should change the output");

        layer.Merge();
        using var merged = layer.forward(x);
        Assert.True(layer.IsMerged);
        Assert.True(SmallEncoders.MaxAbsDifference(merged, unmerged) < 1e-5);
        using var plainBase = baseLayer.forward(x);
        Assert.True(SmallEncoders.Identical(merged, plainBase), "a merged layer is the base layer alone");

        layer.Unmerge();
        Assert.False(layer.IsMerged);
        Assert.True(SmallEncoders.MaxAbsDifference(baseLayer.weight!, original) < 1e-6);
        using var again = layer.forward(x);
        Assert.True(SmallEncoders.MaxAbsDifference(again, unmerged) < 1e-5);
    }

    [Fact]
    public void Dropout_acts_on_the_adapter_input_in_training_mode_only()
    {
        var baseLayer = nn.Linear(8, 8);
        using var layer = new LoraLinear(baseLayer, rank: 2, alpha: 2, dropout: 0.5);
        using (torch.no_grad())
        {
            layer.LoraB.weight!.fill_(1);
        }

        using var x = torch.ones(4, 8);
        using var baseOut = baseLayer.forward(x);

        layer.eval();
        using var first = layer.forward(x);
        using var second = layer.forward(x);
        Assert.True(SmallEncoders.Identical(first, second), "evaluation mode is deterministic");

        layer.train();
        torch.manual_seed(1);
        using var trained = layer.forward(x);
        using var trainedUpdate = trained - baseOut;
        using var evalUpdate = first - baseOut;
        Assert.False(trainedUpdate.allclose(evalUpdate), "dropout should change the update in training mode");

        // The base path never sees dropout: with B zero, training output equals the base exactly.
        using (torch.no_grad())
        {
            layer.LoraB.weight!.zero_();
        }

        using var onlyBase = layer.forward(x);
        Assert.True(SmallEncoders.Identical(onlyBase, baseOut));
    }

    [Fact]
    public void Reduced_precision_inputs_keep_their_dtype_through_the_adapter()
    {
        var baseLayer = nn.Linear(8, 4);
        baseLayer.to(ScalarType.BFloat16);
        using var layer = new LoraLinear(baseLayer, rank: 2, alpha: 2);
        using (torch.no_grad())
        {
            layer.LoraB.weight!.fill_(0.25f);
        }

        using var x = torch.randn(2, 8).to(ScalarType.BFloat16);
        using var y = layer.forward(x);

        Assert.Equal(ScalarType.BFloat16, y.dtype);
        Assert.Equal(ScalarType.Float32, layer.LoraA.weight!.dtype);
        using var expected = baseLayer.forward(x).to(ScalarType.Float32)
            + (x.to(ScalarType.Float32).matmul(layer.LoraA.weight!.t()).matmul(layer.LoraB.weight!.t()) * layer.Scaling);
        Assert.True(SmallEncoders.MaxAbsDifference(y.to(ScalarType.Float32), expected) < 0.1);
    }

    [Fact]
    public void The_state_dict_names_the_base_layer_and_both_factors_as_peft_does()
    {
        using var layer = new LoraLinear(nn.Linear(6, 5), rank: 3, alpha: 3, dropout: 0.1);

        var keys = layer.state_dict().Keys.Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(["base_layer.bias", "base_layer.weight", "lora_A.weight", "lora_B.weight"], keys);
        Assert.Equal([3L, 6L], layer.LoraA.weight!.shape);
        Assert.Equal([5L, 3L], layer.LoraB.weight!.shape);
        Assert.False(layer.BaseLayer.weight!.requires_grad);
        Assert.False(layer.BaseLayer.bias!.requires_grad);
        Assert.True(layer.LoraA.weight!.requires_grad);
    }

    [Fact]
    public void Bad_ranks_alphas_and_dropouts_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoraLinear(nn.Linear(2, 2), rank: 0, alpha: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoraLinear(nn.Linear(2, 2), rank: 1, alpha: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LoraLinear(nn.Linear(2, 2), rank: 1, alpha: 1, dropout: 1));
    }

    private static LoraLinear Fixed(bool useRsLora)
    {
        var baseLayer = nn.Linear(2, 3);
        using (torch.no_grad())
        {
            baseLayer.weight!.copy_(torch.tensor(new float[] { 1, 0, 0, 1, 1, 1 }).view(3, 2));
            baseLayer.bias!.zero_();
        }

        var layer = new LoraLinear(baseLayer, rank: 4, alpha: 8, useRsLora: useRsLora);
        using (torch.no_grad())
        {
            layer.LoraA.weight!.fill_(1);
            layer.LoraB.weight!.fill_(0.5f);
        }

        return layer;
    }

    [Fact]
    public void A_bfloat16_input_over_float32_weights_computes_in_bfloat16_and_trains_the_float32_adapter()
    {
        using var generator = new Generator(11);
        var baseLayer = nn.Linear(8, 6);
        using var lora = new LoraLinear(baseLayer, rank: 4, alpha: 8, generator: generator);
        using (torch.no_grad())
        {
            lora.LoraB.weight!.normal_(generator: generator);
        }

        using var input = torch.randn(3, 8, generator: generator);
        using var bf16 = input.to(ScalarType.BFloat16);

        using var output = lora.forward(bf16);

        // By hand: every product in bfloat16 on weights cast for the call, the stored weights untouched.
        var weight = baseLayer.weight!;
        using var expected = nn.functional.linear(bf16, weight.to(ScalarType.BFloat16), baseLayer.bias!.to(ScalarType.BFloat16))
            + (nn.functional.linear(nn.functional.linear(bf16, lora.LoraA.weight!.to(ScalarType.BFloat16)), lora.LoraB.weight!.to(ScalarType.BFloat16)) * 2.0);
        Assert.Equal(ScalarType.BFloat16, output.dtype);
        Assert.True(output.allclose(expected, rtol: 0, atol: 0));
        Assert.Equal(ScalarType.Float32, weight.dtype);

        output.to(ScalarType.Float32).sum().backward();
        Assert.Equal(ScalarType.Float32, lora.LoraA.weight!.grad!.dtype);
        Assert.Equal(ScalarType.Float32, lora.LoraB.weight!.grad!.dtype);
        Assert.Null(weight.grad);
        using var float32Output = lora.forward(input);
        Assert.True(output.to(ScalarType.Float32).allclose(float32Output, rtol: 0.05, atol: 0.05));
    }
}
