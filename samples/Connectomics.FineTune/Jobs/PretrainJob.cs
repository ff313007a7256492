using System.Globalization;
using Connectomics.FineTune.Inputs;
using Connectomics.FineTune.Output;
using Connectomics.Gpu.Models;
using Connectomics.Lora.Training;
using Microsoft.Extensions.Logging;

namespace Connectomics.FineTune.Jobs;

/// <summary><c>pretrain</c>: masked-LM pre-training, saved in the Hugging Face layout; resumes from the newest
/// checkpoint in its output directory.</summary>
internal static class PretrainJob
{
    public static async Task<TrainingResult> RunAsync(PretrainRequest request, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var reads = await ReadLoader.LoadAsync(request.Input, withTaxonomy: false, cancellationToken);
        var validation = request.Validation is null ? null : await ReadLoader.LoadAsync(request.Validation, withTaxonomy: false, cancellationToken);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"input: {reads.Records.Count:N0} reads from {request.Input.Description} ({reads.Format.ToString().ToLowerInvariant()}){(validation is null ? string.Empty : $"; validation: {validation.Records.Count:N0} reads from {request.Validation!.Description}")}"));

        var device = TorchSetup.ResolveDevice(request.Device);
        using var model = request.Model is null
            ? NucleotideTransformerModel.FromPreset(request.Preset, request.Seed)
            : NucleotideTransformerModel.FromPretrained(request.Model);
        model.MoveTo(device);
        Console.Error.WriteLine(ModelDescription.Of(model, request.Model is null ? $"preset, fresh weights from seed {request.Seed}" : $"continued from {Path.GetFullPath(request.Model)}"));

        var builder = MaskedLmPretraining.For(model)
            .On(reads.Records)
            .CheckpointTo(request.Output)
            .WithLoggerFactory(loggerFactory)
            .Configure(o =>
            {
                o.Epochs = request.Epochs;
                o.BatchTokens = request.BatchTokens;
                o.MaxTokens = request.MaxTokens;
                o.LearningRate = request.LearningRate ?? o.LearningRate;
                o.ValidationFraction = request.ValidationFraction;
                o.CheckpointEverySteps = request.CheckpointEvery;
                o.Seed = request.Seed;
                o.GradientCheckpointing = request.GradientCheckpointing;
                o.BFloat16OnCuda = request.BFloat16;
            });
        if (request.Steps is { } steps)
        {
            builder.Steps(steps);
        }

        if (validation is not null)
        {
            builder.Validation(validation.Records);
        }

        var display = TrainingProgressDisplay.ForConsole();
        var result = await display.FollowAsync("pre-training " + model.Name, () => builder.RunAsync(display, cancellationToken));

        var output = Path.GetFullPath(request.Output);
        var first = result.History.Count == 0 ? double.NaN : result.History[0].TrainingLoss;
        var last = result.History.Count == 0 ? double.NaN : result.History[^1].TrainingLoss;
        var validationLoss = result.FinalMetrics.TryGetValue("loss", out var loss) ? string.Create(CultureInfo.InvariantCulture, $"; validation loss {loss:F4}") : string.Empty;
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pre-trained: {result.Steps} steps; training loss {first:F4} (first epoch) -> {last:F4} (last){validationLoss}"));
        Console.Out.WriteLine($"model: {output} (Hugging Face layout: config.json, vocab.txt, model.safetensors)");
        Console.Out.WriteLine($"TensorBoard: tensorboard --logdir {Path.Combine(output, "runs")}");
        return result;
    }
}
