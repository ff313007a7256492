using System.Globalization;
using Connectomics.FineTune.Inputs;
using Connectomics.FineTune.Output;
using Connectomics.FineTune.Prediction;
using Connectomics.Gpu.Models;
using Connectomics.Lora.Adapters;
using Connectomics.Lora.Taxonomy;
using Connectomics.Lora.Training;
using Microsoft.Extensions.Logging;

namespace Connectomics.FineTune.Jobs;

/// <summary><c>train</c>: LoRA fine-tuning on the taxonomy; resumes from the newest checkpoint in its run directory
/// and refuses one written with other settings or data.</summary>
internal static class TrainJob
{
    public static async Task<TrainOutcome> RunAsync(TrainRequest request, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var train = await ReadLoader.LoadAsync(request.Input, withTaxonomy: true, cancellationToken);
        var validation = request.Validation is null ? null : await ReadLoader.LoadAsync(request.Validation, withTaxonomy: true, cancellationToken);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"input: {train.Records.Count:N0} labelled reads from {request.Input.Description} ({train.Format.ToString().ToLowerInvariant()}), {Describe(train.Taxonomy)}{(validation is null ? string.Empty : $"; validation: {validation.Records.Count:N0} reads from {request.Validation!.Description}")}"));

        var device = TorchSetup.ResolveDevice(request.Device);
        using var model = NucleotideTransformerModel.FromPretrained(request.Model);
        model.MoveTo(device);
        Console.Error.WriteLine(ModelDescription.Of(model, "base, frozen: " + Path.GetFullPath(request.Model)));

        var hasValidation = validation is not null || request.ValidationFraction > 0;
        var builder = LoraFineTuning.For(model)
            .Targets([.. request.Targets])
            .Rank(request.Rank)
            .Alpha(request.Alpha)
            .Dropout(request.Dropout)
            .OnTaxonomy(Labelled(train))
            .Epochs(request.Epochs)
            .CheckpointTo(request.Output)
            .WithLoggerFactory(loggerFactory)
            .Configure(o =>
            {
                o.BatchTokens = request.BatchTokens;
                o.MaxTokens = request.MaxTokens;
                o.LearningRate = request.LearningRate ?? o.LearningRate;
                o.ValidationFraction = validation is null ? request.ValidationFraction : 0;
                o.EarlyStoppingPatience = hasValidation ? request.EarlyStoppingPatience : null;
                o.CheckpointEverySteps = request.CheckpointEvery;
                o.Seed = request.Seed;
                o.GradientCheckpointing = request.GradientCheckpointing;
                o.BFloat16OnCuda = request.BFloat16;
                o.Lora.BaseModelNameOrPath = Path.GetFullPath(request.Model);
            });
        if (validation is not null)
        {
            builder.Validation(Labelled(validation));
        }

        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"LoRA r={request.Rank}, alpha={request.Alpha}, dropout={request.Dropout} on {string.Join(",", request.Targets)}: {LoraAdapter.Estimate(model.Config, builder.Options.Lora, model.HasLanguageModelHead)} (plus the taxonomy head)"));

        var display = TrainingProgressDisplay.ForConsole();
        var result = await display.FollowAsync("fine-tuning " + model.Name, () => builder.RunAsync(display, cancellationToken));
        using var adapter = result.Adapter;
        using var head = result.Head;

        var output = Path.GetFullPath(request.Output);
        new RunRecord { BaseModel = Path.GetFullPath(request.Model), MaxTokens = Math.Min(request.MaxTokens, model.Config.MaxTokens) }.Write(output);

        var chance = ChanceLevel.Of(validation?.Taxonomy ?? train.Taxonomy);
        var kept = result.BestEpoch is not null ? result.BestMetrics : result.FinalMetrics;
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fine-tuned: {result.Steps} steps, {result.History.Count} epochs{(result.StoppedEarly ? " (stopped early: no better validation for " + request.EarlyStoppingPatience + " epochs)" : string.Empty)}; LoRA {adapter.Report()}; taxonomy head: {head.parameters().Sum(p => p.numel()):N0} params"));
        if (kept.Count > 0)
        {
            var epoch = result.BestEpoch is { } best ? best + 1 : result.History.Count;
            RankTable.WriteValidation(Console.Out, string.Create(CultureInfo.InvariantCulture, $"validation accuracy (epoch {epoch}, the one saved):"), kept, chance);
        }

        Console.Out.WriteLine($"adapter: {output} (adapter_config.json and adapter_model.safetensors in PEFT's layout; taxonomy_head.safetensors and taxonomy_labels.json)");
        Console.Out.WriteLine($"TensorBoard: tensorboard --logdir {Path.Combine(output, "runs")}");
        return new TrainOutcome(result.Steps, kept, chance);
    }

    /// <summary>The reads with the lineage parsed from their header or column.</summary>
    private static IEnumerable<LabelledSequence> Labelled(LoadedReads reads) =>
        reads.Records.Select((r, i) => new LabelledSequence(r.Id, r.Sequence, reads.Taxonomy[i]));

    private static string Describe(IReadOnlyList<TaxonomyPath> lineages)
    {
        var counts = Enumerable.Range(0, TaxonomyPath.RankCount)
            .Select(r => lineages.Select(l => l.Names[r]).Where(n => n is not null).Distinct(StringComparer.Ordinal).Count())
            .ToArray();
        return string.Create(CultureInfo.InvariantCulture,
            $"{counts[0]} kingdoms, {counts[1]} phyla, {counts[2]} classes, {counts[3]} orders, {counts[4]} families, {counts[5]} genera, {counts[6]} species");
    }
}
