using Connectomics.Gpu.Models;
using Connectomics.Lora.Training;
using Connectomics.Sequences;
using static TorchSharp.torch;

namespace Connectomics.Lora.Tests.Training;

[Collection(TorchGlobalRandomCollection.Name)]
public sealed class MaskedLmPretrainingTests
{
    private static readonly EsmConfig s_config = NucleotideTransformerPresets.Tiny with { HiddenSize = 32, NumAttentionHeads = 2, IntermediateSize = 64, NumHiddenLayers = 1 };

    /// <summary>Reads built from four repeated 6-mer motifs: the masked token is predictable from its neighbours.</summary>
    private static List<SequenceRecord> Reads()
    {
        string[] motifs = ["ACGTAC", "GGCCTA", "TTAGCA", "CATGCG"];
        var random = new Random(3);
        return [.. Enumerable.Range(0, 48).Select(i =>
        {
            var motif = motifs[i % motifs.Length];
            return new SequenceRecord($"r{i}", string.Concat(Enumerable.Repeat(motif, 6 + random.Next(4))));
        })];
    }

    private static MaskedLmPretraining Builder(NucleotideTransformerModel model, string directory) =>
        MaskedLmPretraining.For(model)
            .On(Reads())
            .Epochs(4)
            .CheckpointTo(directory)
            .Configure(o =>
            {
                o.LearningRate = 2e-3;
                o.BatchSize = 8;
                o.CheckpointEverySteps = 4;
                o.ValidationFraction = 0.25;
                o.Seed = 9;
                o.WriteTensorBoard = false;
            });

    [Fact]
    public async Task Pre_training_from_scratch_lowers_the_loss_and_saves_a_model_that_loads_back()
    {
        using var temp = new TempDirectory("lora-mlm");
        using var model = NucleotideTransformerModel.FromConfig(s_config, seed: 1, name: "mlm-test");
        var result = await Builder(model, temp.Path).RunAsync();

        Assert.Equal(4, result.History.Count);
        Assert.True(result.History[^1].TrainingLoss < result.History[0].TrainingLoss, $"{result.History[0].TrainingLoss} → {result.History[^1].TrainingLoss}");
        Assert.True(result.History[^1].Validation["loss"] < result.History[0].Validation["loss"]);

        using var loaded = NucleotideTransformerModel.FromPretrained(temp.Path);
        Assert.True(loaded.HasLanguageModelHead);
        var trained = model.Module.state_dict();
        foreach (var (name, tensor) in loaded.Module.state_dict())
        {
            Assert.True(tensor.contiguous().bytes.SequenceEqual(trained[name].contiguous().bytes), $"{name} differs in the saved model");
        }
    }

    [Fact]
    public async Task Pre_training_resumed_after_an_interruption_reaches_the_same_weights_masking_included()
    {
        using var whole = new TempDirectory("lora-mlm-whole");
        using var split = new TempDirectory("lora-mlm-split");
        using var uninterrupted = NucleotideTransformerModel.FromConfig(s_config, seed: 1);
        await Builder(uninterrupted, whole.Path).RunAsync();

        using (var first = NucleotideTransformerModel.FromConfig(s_config, seed: 1))
        using (var cancel = new CancellationTokenSource())
        {
            var builder = Builder(first, split.Path).AfterStep(step =>
            {
                if (step == 6)
                {
                    cancel.Cancel();
                }
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => builder.RunAsync(cancellationToken: cancel.Token));
        }

        using var resumed = NucleotideTransformerModel.FromConfig(s_config, seed: 1);
        await Builder(resumed, split.Path).RunAsync();
        var expected = uninterrupted.Module.state_dict();
        foreach (var (name, tensor) in resumed.Module.state_dict())
        {
            Assert.True(tensor.contiguous().bytes.SequenceEqual(expected[name].contiguous().bytes), $"{name} differs after resume");
        }
    }
}
