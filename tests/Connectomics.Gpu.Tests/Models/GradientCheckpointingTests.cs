using Connectomics.Gpu.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Tests.Models;

public sealed class GradientCheckpointingTests
{
    private const string Query = "esm.encoder.layer.0.attention.self.query";
    private const string Value = "esm.encoder.layer.1.attention.self.value";

    [Theory]
    [InlineData("tiny")]
    [InlineData("v1")]
    public void Gradients_with_checkpointing_equal_those_without_on_a_padded_batch(string shape)
    {
        using var model = shape == "tiny"
            ? NucleotideTransformerModel.FromPreset("tiny", seed: 8, withLanguageModelHead: true)
            : NucleotideTransformerModel.FromConfig(TinyV1(), seed: 8, withLanguageModelHead: true);
        model.SetTrainingMode(true);

        var without = Gradients(model, checkpointing: false, seed: 1);
        var with = Gradients(model, checkpointing: true, seed: 1);
        AssertSameGradients(without, with);
    }

    [Fact]
    public void Dropout_in_a_replaced_module_draws_the_same_masks_when_the_layer_is_recomputed()
    {
        using var model = NucleotideTransformerModel.FromPreset("tiny", seed: 9, withLanguageModelHead: true);
        model.SetTrainingMode(true);
        var query = new DropoutProjection((Linear)model.GetModule(Query), 0.3);
        var value = new DropoutProjection((Linear)model.GetModule(Value), 0.5);
        model.ReplaceModule(Query, query);
        model.ReplaceModule(Value, value);

        var without = Gradients(model, checkpointing: false, seed: 5);
        using var stateWithout = torch.random.get_rng_state();
        var with = Gradients(model, checkpointing: true, seed: 5);
        using var stateWith = torch.random.get_rng_state();
        AssertSameGradients(without, with);

        // The recomputation draws from a replayed state and puts the generator back: the stream goes on as without.
        Assert.Equal(stateWithout.data<byte>().ToArray(), stateWith.data<byte>().ToArray());

        // The masks matter: another seed gives other gradients (so the equality above is not trivial).
        var other = Gradients(model, checkpointing: true, seed: 6);
        Assert.NotEqual(without[Query + ".inner.weight"], other[Query + ".inner.weight"]);
    }

    [Fact]
    public void Gradients_reach_trainable_modules_of_a_frozen_encoder_whose_layer_inputs_need_none()
    {
        using var model = NucleotideTransformerModel.FromPreset("tiny", seed: 10, withLanguageModelHead: true);
        model.SetTrainingMode(true);
        foreach (var parameter in model.Module.parameters())
        {
            parameter.requires_grad = false;
        }

        var query = new DropoutProjection((Linear)model.GetModule(Query), 0.2);
        model.ReplaceModule(Query, query);
        query.Scale.requires_grad = true;

        var without = Gradients(model, checkpointing: false, seed: 3);
        var with = Gradients(model, checkpointing: true, seed: 3);
        Assert.Equal([Query + ".scale"], without.Keys);
        AssertSameGradients(without, with);
        Assert.Contains(without[Query + ".scale"], g => g != 0);
    }

    [Fact]
    public void Each_checkpointed_layer_runs_again_in_the_backward_pass_and_not_at_all_without_autograd()
    {
        using var model = NucleotideTransformerModel.FromPreset("tiny", seed: 11, withLanguageModelHead: true);
        model.SetTrainingMode(true);
        var counter = new DropoutProjection((Linear)model.GetModule(Query), 0.0);
        model.ReplaceModule(Query, counter);
        model.GradientCheckpointing = true;
        Assert.True(model.GradientCheckpointing);
        var (ids, mask, labels) = Batch();

        using (var scope = torch.NewDisposeScope())
        {
            var loss = Loss(model, ids, mask, labels);
            Assert.Equal(1, counter.Calls);
            loss.backward();
            Assert.Equal(2, counter.Calls);
        }

        counter.Calls = 0;
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            var hidden = model.Encode(ids, mask);
            Assert.False(hidden.requires_grad);
            Assert.Equal(1, counter.Calls);
            model.GradientCheckpointing = false;
            var plain = model.Encode(ids, mask);
            Assert.Equal(hidden.data<float>().ToArray(), plain.data<float>().ToArray());
        }
    }

    private static EsmConfig TinyV1() => new()
    {
        HiddenSize = 32,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        IntermediateSize = 64,
        VocabSize = 4105,
        MaxPositionEmbeddings = 1002,
        PositionEmbeddingType = PositionEmbeddingType.Absolute,
        TokenDropout = true,
        AddBiasFnn = true,
    };

    /// <summary>Two rows, the second padded, with mask tokens (which v1's token dropout rescales for).</summary>
    private static (Tensor Ids, Tensor Mask, Tensor Labels) Batch()
    {
        long[,] ids = { { 3, 10, 2, 12, 13, 14, 2, 16 }, { 3, 20, 21, 2, 23, 1, 1, 1 } };
        long[,] mask = { { 1, 1, 1, 1, 1, 1, 1, 1 }, { 1, 1, 1, 1, 1, 0, 0, 0 } };
        long[,] labels = { { -100, 100, 11, -100, 200, -100, 15, -100 }, { -100, 300, -100, 22, -100, -100, -100, -100 } };
        return (torch.tensor(ids), torch.tensor(mask), torch.tensor(labels));
    }

    private static Tensor Loss(NucleotideTransformerModel model, Tensor ids, Tensor mask, Tensor labels)
    {
        var logits = model.PredictTokens(model.Encode(ids, mask));
        return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), labels.reshape(-1), ignore_index: -100);
    }

    private static Dictionary<string, float[]> Gradients(NucleotideTransformerModel model, bool checkpointing, long seed)
    {
        model.GradientCheckpointing = checkpointing;
        foreach (var parameter in model.Module.parameters())
        {
            parameter.grad = null;
        }

        torch.manual_seed(seed);
        using (var scope = torch.NewDisposeScope())
        {
            var (ids, mask, labels) = Batch();
            Loss(model, ids, mask, labels).backward();
        }

        return model.Module.named_parameters()
            .Where(p => p.parameter.requires_grad && p.parameter.grad is not null)
            .ToDictionary(p => p.name, p => p.parameter.grad!.data<float>().ToArray());
    }

    private static void AssertSameGradients(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected)
        {
            var other = actual[name];
            var worst = values.Zip(other, (a, b) => Math.Abs(a - b)).DefaultIfEmpty(0).Max();
            Assert.True(worst == 0, $"{name}: gradients are not bit-identical, they differ by up to {worst:E2}");
        }
    }

    /// <summary>A replaced projection with dropout on its input and a trainable scale, counting its forward passes.</summary>
    private sealed class DropoutProjection : nn.Module<Tensor, Tensor>
    {
        private readonly Linear inner;
        private readonly Dropout dropout;
        private readonly Parameter scale;

        public DropoutProjection(Linear inner, double probability)
            : base(nameof(DropoutProjection))
        {
            this.inner = inner;
            dropout = nn.Dropout(probability);
            scale = new Parameter(torch.full(inner.weight!.shape[0], 1.5f));
            RegisterComponents();
        }

        public int Calls { get; set; }

        public Parameter Scale => scale;

        public override Tensor forward(Tensor input)
        {
            Calls++;
            return inner.forward(dropout.forward(input)) * scale;
        }
    }
}
