using Connectomics.Gpu.Models;
using Connectomics.Lora.Training;
using Connectomics.Lora.Taxonomy;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Tests.Training;

[Collection(TorchGlobalRandomCollection.Name)]
public sealed class LoraFineTuningTests
{
    private static readonly EsmConfig s_config = NucleotideTransformerPresets.Tiny with { HiddenSize = 64, NumAttentionHeads = 4, IntermediateSize = 128, NumHiddenLayers = 2 };

    private static NucleotideTransformerModel Model() => NucleotideTransformerModel.FromConfig(s_config, seed: 11, name: "tiny-test");

    private static (List<LabelledSequence> Train, List<LabelledSequence> Validation) Data() => SyntheticTaxonomyReads.Create(species: 16, trainPerSpecies: 8, validationPerSpecies: 3, seed: 5);

    private static LoraFineTuning Builder(NucleotideTransformerModel model, List<LabelledSequence> train, List<LabelledSequence> validation, string directory) =>
        LoraFineTuning.For(model)
            .Targets("query", "value")
            .Rank(8)
            .Alpha(16)
            .Dropout(0.1)
            .OnTaxonomy(train)
            .Validation(validation)
            .Epochs(3)
            .CheckpointTo(directory)
            .Configure(o =>
            {
                o.LearningRate = 3e-3;
                o.BatchSize = 16;
                o.WarmupFraction = 0.1;
                o.CheckpointEverySteps = 5;
                o.Seed = 42;
            });

    private static Dictionary<string, Tensor> Snapshot(IEnumerable<(string Name, TorchSharp.Modules.Parameter Parameter)> parameters) =>
        parameters.ToDictionary(p => p.Name, p => p.Parameter.detach().clone(), StringComparer.Ordinal);

    [Fact]
    public async Task The_synthetic_taxonomy_is_learned_far_above_chance_and_only_adapters_and_head_change()
    {
        using var temp = new TempDirectory("lora-finetune");
        using var model = Model();
        var before = model.Module.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone(), StringComparer.Ordinal);
        var (train, validation) = Data();
        var reports = new List<TrainingProgress>();
        using var meters = new MetricRecorder();

        var result = await Builder(model, train, validation, temp.Path)
            .Epochs(12)
            .WithMeterFactory(meters)
            .RunAsync(new SynchronousProgress<TrainingProgress>(reports.Add));
        using var adapter = result.Adapter;
        using var head = result.Head;

        // 16 species over 8 genera, 4 families and 2 orders: chance is 1/16, 1/8, 1/4 and 1/2. A run on CPU reaches
        // species 0.90, genus 0.75, family 0.92, order 1.0 (the thresholds leave room for other BLAS kernels).
        var metrics = result.FinalMetrics;
        Assert.True(metrics["accuracy/species"] > 0.5, $"species accuracy {metrics["accuracy/species"]}");
        Assert.True(metrics["accuracy/genus"] > 0.5, $"genus accuracy {metrics["accuracy/genus"]}");
        Assert.True(metrics["accuracy/family"] > 0.7, $"family accuracy {metrics["accuracy/family"]}");
        Assert.True(metrics["accuracy/order"] > 0.8, $"order accuracy {metrics["accuracy/order"]}");
        Assert.True(result.History[^1].TrainingLoss < result.History[0].TrainingLoss / 2);
        Assert.Equal(result.Steps, reports[^1].Step);
        Assert.Equal(12 * 8, result.Steps); // 128 training reads in batches of 16
        Assert.Equal(result.Steps, meters.Sum("connectomics.train.steps"));
        var tokens = train.Sum(r => 1 + (r.Sequence.Length / 6) + (r.Sequence.Length % 6)) * 12L;
        Assert.Equal(tokens, meters.Sum("connectomics.train.tokens"));

        // Base weights are bit-identical: every tensor of the original state dict, under its name or below base_layer.
        var after = model.Module.state_dict();
        foreach (var (name, tensor) in before)
        {
            var wrapped = name.Replace(".query.", ".query.base_layer.", StringComparison.Ordinal).Replace(".value.", ".value.base_layer.", StringComparison.Ordinal);
            var current = after.TryGetValue(name, out var plain) ? plain : after[wrapped];
            Assert.True(SameBits(tensor, current), $"{name} changed");
        }

        // The run's directory holds the final adapter in PEFT's layout and the head with its labels.
        foreach (var file in new[] { "adapter_config.json", "adapter_model.safetensors", "taxonomy_head.safetensors", "taxonomy_labels.json", "latest" })
        {
            Assert.True(File.Exists(Path.Combine(temp.Path, file)), file);
        }

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(temp.Path, "runs"), "events.out.tfevents.*"));
    }

    [Fact]
    public async Task A_run_interrupted_after_any_step_and_resumed_ends_with_bit_identical_weights()
    {
        // Two epochs of 8 steps, checkpoints at steps 5, 8, 10, 15, 16.
        using var whole = new TempDirectory("lora-whole");
        using var split = new TempDirectory("lora-split");
        var (train, validation) = Data();

        Dictionary<string, Tensor> expected;
        using (var model = Model())
        {
            var result = await Builder(model, train, validation, whole.Path).Epochs(2).RunAsync();
            using var adapter = result.Adapter;
            using var head = result.Head;
            expected = Snapshot(TrainableOf(result));
        }

        // Stopped after step 7 (the newest checkpoint is step 5): the resume replays steps 6 and 7.
        using (var model = Model())
        using (var cancel = new CancellationTokenSource())
        {
            var builder = Builder(model, train, validation, split.Path).Epochs(2).AfterStep(step =>
            {
                if (step == 7)
                {
                    cancel.Cancel();
                }
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => builder.RunAsync(cancellationToken: cancel.Token));
        }

        Assert.Contains("checkpoint-5", File.ReadAllText(Path.Combine(split.Path, "latest")), StringComparison.Ordinal);
        using (var model = Model())
        {
            var resumed = await Builder(model, train, validation, split.Path).Epochs(2).RunAsync();
            using var adapter = resumed.Adapter;
            using var head = resumed.Head;
            var actual = Snapshot(TrainableOf(resumed));
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (name, tensor) in expected)
            {
                Assert.True(SameBits(tensor, actual[name]), $"{name} differs after resume");
            }
        }
    }

    [Fact]
    public async Task A_resume_with_other_settings_is_refused_naming_the_difference()
    {
        using var temp = new TempDirectory("lora-refuse");
        var (train, validation) = Data();
        using (var model = Model())
        {
            var result = await Builder(model, train, validation, temp.Path).Epochs(1).RunAsync();
            result.Adapter.Dispose();
            result.Head.Dispose();
        }

        using (var model = Model())
        {
            var error = await Assert.ThrowsAsync<CheckpointMismatchException>(
                () => Builder(model, train, validation, temp.Path).Epochs(1).Configure(o => o.LearningRate = 1e-3).RunAsync());
            Assert.Contains(error.Differences, d => d.StartsWith("LearningRate: checkpoint 0.003, this run 0.001", StringComparison.Ordinal));
            Assert.Contains("LearningRate", error.Message, StringComparison.Ordinal);
        }

        // The same settings on a base with other weights (a re-run pre-training, say) must not resume the old adapter.
        using (var other = NucleotideTransformerModel.FromConfig(s_config, seed: 12, name: "tiny-test"))
        {
            var error = await Assert.ThrowsAsync<CheckpointMismatchException>(
                () => Builder(other, train, validation, temp.Path).Epochs(1).RunAsync());
            Assert.Contains(error.Differences, d => d.StartsWith("Model.Weights", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Early_stopping_ends_the_run_when_the_metric_stalls_and_pruning_keeps_the_newest_and_the_best()
    {
        using var temp = new TempDirectory("lora-early");
        var (train, validation) = Data();
        using var model = Model();
        var result = await Builder(model, train, validation, temp.Path)
            .Epochs(6)
            .Configure(o =>
            {
                o.LearningRate = 1e-12; // nothing moves enough to change a prediction
                o.EarlyStoppingMetric = "accuracy/mean";
                o.EarlyStoppingPatience = 2;
                o.CheckpointEverySteps = 3;
                o.KeepCheckpoints = 1;
            })
            .RunAsync();
        using var adapter = result.Adapter;
        using var head = result.Head;

        Assert.True(result.StoppedEarly);
        Assert.Equal(3, result.History.Count); // epoch 0 sets the best, epochs 1 and 2 do not improve it
        Assert.Equal(0, result.BestEpoch);
        Assert.Equal(Path.Combine(temp.Path, "checkpoint-8"), result.BestCheckpoint);
        Assert.Equal(Path.Combine(temp.Path, "checkpoint-24"), result.LatestCheckpoint);
        var checkpoints = Directory.GetDirectories(temp.Path, "checkpoint-*").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["checkpoint-24", "checkpoint-8"], checkpoints);
    }

    [Fact]
    public async Task Bfloat16_asked_for_a_model_on_the_cpu_is_ignored_with_a_warning_and_training_runs_in_float32()
    {
        using var temp = new TempDirectory("lora-bf16-cpu");
        using var model = Model();
        model.ComputeType = ScalarType.BFloat16;
        var (train, validation) = Data();
        using var loggers = new RecordingLoggerFactory();

        var result = await Builder(model, train, validation, temp.Path)
            .Epochs(1)
            .Configure(o => o.BFloat16OnCuda = true)
            .WithLoggerFactory(loggers)
            .RunAsync();
        using var adapter = result.Adapter;
        using var head = result.Head;

        Assert.Contains(loggers.Logger.Warnings, w => w.EventId.Id == 110 && w.Message.Contains("float32", StringComparison.Ordinal));
        Assert.Equal(ScalarType.Float32, model.ComputeType);
        Assert.All(adapter.TrainableParameters(), p => Assert.Equal(ScalarType.Float32, p.Parameter.dtype));
    }

    [Fact]
    public async Task Options_are_validated_up_front_with_every_problem_named()
    {
        using var model = Model();
        var (train, validation) = Data();
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => LoraFineTuning.For(model)
            .OnTaxonomy(train)
            .CheckpointTo("unused")
            .Configure(o =>
            {
                o.BatchSize = 0;
                o.EarlyStoppingMetric = "accuracy/strain";
            })
            .RunAsync());
        Assert.Contains("BatchSize", error.Message, StringComparison.Ordinal);
        Assert.Contains("accuracy/strain", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(LoraFineTuningOptions), error.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<(string Name, TorchSharp.Modules.Parameter Parameter)> TrainableOf(LoraFineTuningResult result) =>
        result.Adapter.TrainableParameters().Concat(result.Head.named_parameters().Select(p => ("head." + p.name, p.parameter)));

    private static bool SameBits(Tensor expected, Tensor actual) =>
        expected.shape.SequenceEqual(actual.shape)
        && expected.dtype == actual.dtype
        && expected.contiguous().bytes.SequenceEqual(actual.contiguous().bytes);

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
