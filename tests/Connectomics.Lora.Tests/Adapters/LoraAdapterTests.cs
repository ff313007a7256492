using Connectomics.Gpu.Models;
using Connectomics.Lora.Adapters;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Lora.Tests.Adapters;

public sealed class LoraAdapterTests
{
    [Fact]
    public void Injected_adapters_start_at_the_base_model_and_wrap_every_query_and_value()
    {
        using var model = SmallEncoders.Create();
        using var before = SmallEncoders.Encode(model);

        using var adapter = LoraAdapter.Inject(model, new LoraOptions { Rank = 4, Alpha = 8 }, seed: 1);
        using var after = SmallEncoders.Encode(model);

        Assert.True(SmallEncoders.Identical(before, after));
        Assert.Equal(6, adapter.TargetedModules.Count);
        Assert.All(adapter.TargetedModules, name => Assert.IsType<LoraLinear>(model.GetModule(name)));
        var keys = model.Module.state_dict().Keys.ToHashSet(StringComparer.Ordinal);
        Assert.Contains("esm.encoder.layer.2.attention.self.value.base_layer.weight", keys);
        Assert.Contains("esm.encoder.layer.2.attention.self.value.lora_A.weight", keys);
        Assert.Contains("esm.encoder.layer.2.attention.self.value.lora_B.weight", keys);
        Assert.DoesNotContain("esm.encoder.layer.2.attention.self.value.weight", keys);
    }

    [Fact]
    public void Only_adapter_weights_require_gradients_and_only_they_receive_them()
    {
        using var model = SmallEncoders.Create();
        using var adapter = LoraAdapter.Inject(model, new LoraOptions { TargetModules = ["query", "value", "dense"] });
        var trainable = adapter.TrainableParameters().ToList();

        var requiring = model.Module.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).Order(StringComparer.Ordinal);
        Assert.Equal(trainable.Select(t => t.Name).Order(StringComparer.Ordinal), requiring);
        Assert.All(trainable, t => Assert.Matches(@"\.lora_[AB]\.weight$", t.Name));
        Assert.Equal(2 * adapter.TargetedModules.Count, trainable.Count);

        SmallEncoders.Perturb(trainable);
        var (ids, mask) = SmallEncoders.Batch();
        using (ids)
        using (mask)
        using (var hidden = model.Encode(ids, mask))
        using (var loss = hidden.square().mean())
        {
            loss.backward();
        }

        foreach (var (name, parameter) in model.Module.named_parameters())
        {
            if (parameter.requires_grad)
            {
                Assert.True(parameter.grad is not null, $"{name} has no gradient");
            }
            else
            {
                Assert.True(parameter.grad is null, $"{name} is frozen but got a gradient");
            }
        }
    }

    [Fact]
    public void Merging_keeps_the_outputs_and_unloading_restores_the_original_weights_and_projections()
    {
        using var model = SmallEncoders.Create();
        var original = model.Module.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        using var adapter = LoraAdapter.Inject(model, new LoraOptions { Rank = 4, Alpha = 16, TargetModules = ["query", "value", "output.dense"] }, seed: 2);
        SmallEncoders.Perturb(adapter.TrainableParameters());
        using var baseOutput = Encode(original, model);
        using var adapted = SmallEncoders.Encode(model);
        Assert.True(SmallEncoders.MaxAbsDifference(adapted, baseOutput) > 1e-3, "the perturbed adapters should change the embeddings");

        adapter.Merge();
        using var merged = SmallEncoders.Encode(model);
        Assert.True(adapter.IsMerged);
        Assert.True(SmallEncoders.MaxAbsDifference(merged, adapted) < 1e-5);

        adapter.Unmerge();
        using var unmerged = SmallEncoders.Encode(model);
        Assert.True(SmallEncoders.MaxAbsDifference(unmerged, adapted) < 1e-5);

        adapter.Unload();
        Assert.All(model.ReplaceableModuleNames, name => Assert.IsType<Linear>(model.GetModule(name)));
        var restored = model.Module.state_dict();
        Assert.Equal(original.Keys.Order(StringComparer.Ordinal), restored.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, tensor) in original)
        {
            Assert.True(SmallEncoders.MaxAbsDifference(tensor, restored[key]) < 1e-6, key);
        }

        Assert.Throws<InvalidOperationException>(adapter.Merge);
    }

    [Fact]
    public void Merge_and_unload_leaves_a_plain_model_that_saves_and_reloads_with_the_adapted_outputs()
    {
        using var model = SmallEncoders.Create();
        using var adapter = LoraAdapter.Inject(model, new LoraOptions { Rank = 2, Alpha = 4 });
        SmallEncoders.Perturb(adapter.TrainableParameters());
        using var adapted = SmallEncoders.Encode(model);

        adapter.MergeAndUnload();
        using var directory = new TempDirectory();
        model.SavePretrained(directory.Path);
        using var reloaded = NucleotideTransformerModel.FromPretrained(directory.Path);
        using var output = SmallEncoders.Encode(reloaded);

        Assert.All(model.ReplaceableModuleNames, name => Assert.IsType<Linear>(model.GetModule(name)));
        Assert.True(SmallEncoders.MaxAbsDifference(output, adapted) < 1e-5);
    }

    [Fact]
    public void Injecting_into_an_adapted_projection_or_matching_nothing_is_refused_with_the_names()
    {
        using var model = SmallEncoders.Create();
        var nothing = Assert.Throws<ArgumentException>(() => LoraAdapter.Inject(model, new LoraOptions { TargetModules = ["q_proj"] }));
        Assert.Contains("q_proj", nothing.Message, StringComparison.Ordinal);
        Assert.Contains("esm.encoder.layer.0.attention.output.dense", nothing.Message, StringComparison.Ordinal);

        using var adapter = LoraAdapter.Inject(model, new LoraOptions());
        var twice = Assert.Throws<ArgumentException>(() => LoraAdapter.Inject(model, new LoraOptions { TargetModules = ["value"] }));
        Assert.Contains("already has an adapter", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_seed_draws_the_same_adapters()
    {
        using var first = SmallEncoders.Create();
        using var second = SmallEncoders.Create();
        using var a = LoraAdapter.Inject(first, new LoraOptions(), seed: 9);
        using var b = LoraAdapter.Inject(second, new LoraOptions(), seed: 9);

        foreach (var ((name, x), (_, y)) in a.TrainableParameters().Zip(b.TrainableParameters()))
        {
            Assert.True(SmallEncoders.Identical(x, y), name);
        }

        var firstA = a.GetLayer(a.TargetedModules[0]).LoraA.weight!;
        var secondA = a.GetLayer(a.TargetedModules[1]).LoraA.weight!;
        Assert.False(SmallEncoders.Identical(firstA, secondA), "each module draws its own values");
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void The_estimate_equals_the_report_of_a_built_model(bool v1, bool withHead)
    {
        var config = v1 ? SmallEncoders.V1 : SmallEncoders.V2;
        var options = new LoraOptions
        {
            Rank = 3,
            TargetModules = ["query", "value", "dense", "decoder"],
            RankPattern = new Dictionary<string, int> { ["intermediate.dense"] = 5 },
        };
        using var model = SmallEncoders.Create(config, withHead: withHead);
        using var adapter = LoraAdapter.Inject(model, options);

        var report = adapter.Report();
        var estimate = LoraAdapter.Estimate(config, options, withHead);

        Assert.Equal(report, estimate);
        Assert.Equal(adapter.TrainableParameters().Sum(p => p.Parameter.numel()), report.TrainableParameters);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_layout_used_for_estimates_lists_the_model_s_projections_and_widths(bool withHead)
    {
        using var model = SmallEncoders.Create(SmallEncoders.V1, withHead: withHead);

        var layout = EsmParameterLayout.Projections(SmallEncoders.V1, withHead);

        Assert.Equal(model.ReplaceableModuleNames, layout.Select(p => p.Name));
        foreach (var (name, inFeatures, outFeatures) in layout)
        {
            var weight = ((Linear)model.GetModule(name)).weight!;
            Assert.Equal([outFeatures, inFeatures], weight.shape);
        }

        Assert.Equal(model.Module.parameters().Sum(p => p.numel()), EsmParameterLayout.ParameterCount(SmallEncoders.V1, withHead));
    }

    [Fact]
    public void The_largest_preset_with_rank_16_on_query_and_value_trains_about_a_fifth_of_a_percent()
    {
        var options = new LoraOptions { Rank = 16, Alpha = 32 };

        var report = LoraAdapter.Estimate(NucleotideTransformerPresets.MultiSpecies2500m, options);
        var withHead = LoraAdapter.Estimate(NucleotideTransformerPresets.MultiSpecies2500m, options, withLanguageModelHead: true);

        // 32 layers × 2 projections × 16 × (2560 + 2560).
        Assert.Equal(5_242_880, report.TrainableParameters);
        Assert.Equal(2_535_969_280, report.TotalParameters);
        Assert.Equal(0.2067, report.TrainablePercentage, 4);
        Assert.Equal(2_553_043_465, withHead.TotalParameters);
        Assert.Equal("trainable params: 5,242,880 || all params: 2,535,969,280 || trainable%: 0.2067", report.ToString());
    }

    [Fact]
    public void Adapters_follow_the_model_s_training_mode()
    {
        using var model = SmallEncoders.Create();
        using var adapter = LoraAdapter.Inject(model, new LoraOptions { Dropout = 0.3 });
        var layer = adapter.GetLayer(adapter.TargetedModules[0]);
        Assert.False(layer.training);

        model.SetTrainingMode(true);

        Assert.True(layer.training);
    }

    private static Tensor Encode(Dictionary<string, Tensor> weights, NucleotideTransformerModel shape)
    {
        using var plain = SmallEncoders.Create(shape.Config);
        using (torch.no_grad())
        {
            foreach (var (key, tensor) in plain.Module.state_dict())
            {
                tensor.copy_(weights[key]);
            }
        }

        return SmallEncoders.Encode(plain);
    }
}
