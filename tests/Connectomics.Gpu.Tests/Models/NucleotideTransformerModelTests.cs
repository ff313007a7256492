using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Models;
using Connectomics.Sequences;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Tests.Models;

public sealed class NucleotideTransformerModelTests
{
    [Fact]
    public void Every_projection_of_the_encoder_is_replaceable_by_its_state_dict_name()
    {
        using var model = NucleotideTransformerModel.FromPreset("tiny", seed: 3);
        var names = model.ReplaceableModuleNames;

        // 2 layers × (query, key, value, attention.output.dense, intermediate.dense, output.dense).
        Assert.Equal(12, names.Count);
        Assert.Equal("esm.encoder.layer.0.attention.output.dense", names[0]);
        Assert.Equal("esm.encoder.layer.0.attention.self.key", names[1]);
        Assert.Contains("esm.encoder.layer.1.attention.self.value", names);
        Assert.Contains("esm.encoder.layer.1.output.dense", names);
        var keys = model.Module.state_dict().Keys.ToHashSet();
        Assert.All(names, n => Assert.Contains(n + ".weight", keys));
    }

    [Fact]
    public void A_replacement_takes_effect_at_once_and_its_parameters_take_the_slot_name()
    {
        using var model = NucleotideTransformerModel.FromPreset("tiny", seed: 3);
        using var ids = torch.tensor(new long[] { 3, 10, 11, 12, 1 }).unsqueeze(0);
        using var mask = torch.tensor(new long[] { 1, 1, 1, 1, 0 }).unsqueeze(0);
        using var before = model.Encode(ids, mask);

        const string Name = "esm.encoder.layer.0.attention.self.value";
        var original = (Linear)model.GetModule(Name);
        using var zero = new ZeroedProjection(original);
        var taken = model.ReplaceModule(Name, zero);
        Assert.Same(original, taken);
        Assert.Same(zero, model.GetModule(Name));

        var keys = model.Module.state_dict().Keys.ToList();
        Assert.Contains(Name + ".inner.weight", keys);
        Assert.DoesNotContain(Name + ".weight", keys);

        using var after = model.Encode(ids, mask);
        Assert.False(before.allclose(after, rtol: 0, atol: 1e-6));

        model.ReplaceModule(Name, original);
        using var restored = model.Encode(ids, mask);
        Assert.True(before.allclose(restored, rtol: 0, atol: 0));
        Assert.Contains(Name + ".weight", model.Module.state_dict().Keys);
    }

    [Fact]
    public void Gradients_reach_every_parameter_through_the_encoder_and_the_masked_lm_head()
    {
        using var model = NucleotideTransformerModel.FromPreset("tiny", seed: 5, withLanguageModelHead: true);
        Assert.Contains("esm.encoder.layer.0.attention.self.query", model.ReplaceableModuleNames);
        Assert.Contains("lm_head.decoder", model.ReplaceableModuleNames);
        model.SetTrainingMode(true);
        using var ids = torch.tensor(new long[] { 3, 10, 2, 12, 13 }).unsqueeze(0);
        using var mask = torch.ones(1, 5, ScalarType.Int64);
        using var hidden = model.Encode(ids, mask);
        using var logits = model.PredictTokens(hidden);
        Assert.Equal(new long[] { 1, 5, model.Vocabulary.EmbeddingSize }, logits.shape);
        using var loss = nn.functional.cross_entropy(logits[0], torch.tensor(new long[] { 100, 101, 102, 103, 104 }));
        loss.backward();
        foreach (var (name, parameter) in model.Module.named_parameters())
        {
            // The padding rows of the embeddings and the unused position table get no gradient; everything else does.
            if (name.Contains("position_embeddings", StringComparison.Ordinal))
            {
                continue;
            }

            Assert.True(parameter.grad is not null && parameter.grad.abs().sum().item<float>() > 0, $"{name} got no gradient");
        }
    }

    [Fact]
    public async Task A_saved_model_loads_back_with_its_head_and_embeds_as_the_embedder_built_from_it()
    {
        var directory = Path.Combine(Path.GetTempPath(), "cnx-ntmodel-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var model = NucleotideTransformerModel.FromPreset("tiny", seed: 7, withLanguageModelHead: true);
            model.SavePretrained(directory);
            using var loaded = NucleotideTransformerModel.FromPretrained(directory);
            Assert.True(loaded.HasLanguageModelHead);
            using var ids = torch.tensor(new long[] { 3, 10, 2, 12, 13 }).unsqueeze(0);
            using var mask = torch.ones(1, 5, ScalarType.Int64);
            using (torch.no_grad())
            {
                using var expected = model.PredictTokens(model.Encode(ids, mask));
                using var actual = loaded.PredictTokens(loaded.Encode(ids, mask));
                Assert.True(expected.allclose(actual, rtol: 0, atol: 0));
            }


            var record = new SequenceRecord("r1", "ACGTACGTACGTTTGACCA");
            using var fromDisk = new NucleotideTransformerEmbedderBuilder().FromPretrained(directory).Build();
            using var fromMemory = new NucleotideTransformerEmbedderBuilder().FromModel(loaded).Build();
            var a = (await fromDisk.EmbedAsync([record])).Single();
            var b = (await fromMemory.EmbedAsync([record])).Single();
            Assert.Equal(a.Vector.ToArray(), b.Vector.ToArray());
            Assert.Equal(fromDisk.Descriptor.Fingerprint, fromMemory.Descriptor.Fingerprint);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Saving_with_a_replaced_projection_is_refused()
    {
        using var model = NucleotideTransformerModel.FromPreset("tiny");
        const string Name = "esm.encoder.layer.1.attention.self.query";
        using var zero = new ZeroedProjection((Linear)model.GetModule(Name));
        model.ReplaceModule(Name, zero);
        var error = Assert.Throws<InvalidOperationException>(() => model.SavePretrained(Path.GetTempPath()));
        Assert.Contains(Name, error.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<ArgumentException>(() => model.GetModule("esm.encoder.layer.9.attention.self.query"));
        Assert.Contains("layer.9", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Projections_computing_in_bfloat16_keep_float32_weights_outputs_and_gradients()
    {
        using var model = NucleotideTransformerModel.FromPreset("tiny", seed: 7, withLanguageModelHead: true);
        using var ids = torch.tensor(new long[] { 3, 10, 11, 12, 13, 14, 1 }).unsqueeze(0);
        using var mask = torch.tensor(new long[] { 1, 1, 1, 1, 1, 1, 0 }).unsqueeze(0);
        using var float32 = model.Encode(ids, mask);

        model.ComputeType = ScalarType.BFloat16;
        const string Name = "esm.encoder.layer.1.attention.self.value";
        var original = (Linear)model.GetModule(Name);
        using var recorder = new InputRecorder(original);
        model.ReplaceModule(Name, recorder);
        model.SetTrainingMode(true);
        using var mixed = model.Encode(ids, mask);
        using var logits = model.PredictTokens(mixed);

        // The projections ran in bfloat16 (a replacement receives bfloat16 input and the output moved by bfloat16's
        // rounding: ~3 significant digits on LayerNorm-scaled values), while the output, the logits and every
        // weight stay float32.
        Assert.Equal(ScalarType.BFloat16, recorder.SeenType);
        Assert.Equal(ScalarType.Float32, mixed.dtype);
        Assert.Equal(ScalarType.Float32, logits.dtype);
        var difference = (mixed - float32).abs().max().item<float>();
        Assert.InRange(difference, 1e-4f, 0.15f);
        Assert.All(model.Module.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));

        using var loss = nn.functional.cross_entropy(logits[0], torch.tensor(new long[] { 100, 101, 102, 103, 104, 105, 106 }));
        loss.backward();
        foreach (var (name, parameter) in model.Module.named_parameters())
        {
            if (name.Contains("position_embeddings", StringComparison.Ordinal))
            {
                continue;
            }

            Assert.True(parameter.grad is { } grad && grad.dtype == ScalarType.Float32 && grad.abs().sum().item<float>() > 0, $"{name}: no float32 gradient");
        }

        // Back in float32 the model computes exactly as before.
        model.ReplaceModule(Name, original);
        model.SetTrainingMode(false);
        model.ComputeType = ScalarType.Float32;
        using var again = model.Encode(ids, mask);
        Assert.True(float32.allclose(again, rtol: 0, atol: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeType = ScalarType.Float64);
    }

    private sealed class InputRecorder : nn.Module<Tensor, Tensor>
    {
        private readonly Linear inner;

        public InputRecorder(Linear inner)
            : base(nameof(InputRecorder))
        {
            this.inner = inner;
            RegisterComponents();
        }

        public ScalarType? SeenType { get; private set; }

        public override Tensor forward(Tensor input)
        {
            SeenType = input.dtype;
            return nn.functional.linear(input, inner.weight!.to(input.dtype), inner.bias?.to(input.dtype));
        }
    }

    private sealed class ZeroedProjection : nn.Module<Tensor, Tensor>
    {
        private readonly Linear inner;

        public ZeroedProjection(Linear inner)
            : base(nameof(ZeroedProjection))
        {
            this.inner = inner;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => inner.forward(input) * 0.0;
    }
}
