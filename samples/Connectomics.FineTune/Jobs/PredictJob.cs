using System.Diagnostics;
using System.Globalization;
using Connectomics.FineTune.Inputs;
using Connectomics.FineTune.Output;
using Connectomics.FineTune.Prediction;
using Connectomics.Lora.Taxonomy;

namespace Connectomics.FineTune.Jobs;

/// <summary><c>predict</c>: classifies reads with a base model and a run's adapter and head into a TSV.</summary>
internal static class PredictJob
{
    /// <summary>Classifies the reads and writes the TSV.</summary>
    /// <returns>The per-rank scores against the input's taxonomy with <see cref="PredictRequest.Evaluate"/>, else
    /// <see langword="null"/>.</returns>
    public static async Task<IReadOnlyList<RankMetrics>?> RunAsync(PredictRequest request, CancellationToken cancellationToken)
    {
        var reads = await ReadLoader.LoadAsync(request.Input, withTaxonomy: request.Evaluate, cancellationToken);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"input: {reads.Records.Count:N0} reads from {request.Input.Description} ({reads.Format.ToString().ToLowerInvariant()})"));

        var device = TorchSetup.ResolveDevice(request.Device);
        var record = RunRecord.Read(request.Adapter);
        if (record is not null && !string.Equals(record.BaseModel, Path.GetFullPath(request.Model), StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"note: the run in {Path.GetFullPath(request.Adapter)} was trained on {record.BaseModel}, and --model is {Path.GetFullPath(request.Model)}; they must hold the same weights.");
        }

        var options = new TaxonomyPredictorOptions { Hierarchical = request.Hierarchical, MinConfidence = request.MinConfidence };
        using var classifier = TaxonomyClassifier.Load(request.Model, request.Adapter, device, options, request.MaxTokens ?? record?.MaxTokens ?? FineTuneDefaults.MaxTokens);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model {classifier.ModelName} with the adapter in {Path.GetFullPath(request.Adapter)} (LoRA on {classifier.TargetedModules.Count} projections; {classifier.Labels.CountAt(TaxonomyRank.Genus):N0} genera, {classifier.Labels.CountAt(TaxonomyRank.Species):N0} species) on {device}; {classifier.MaxTokens} tokens per read, {(request.Hierarchical ? "hierarchical" : "rank by rank")}, min confidence {request.MinConfidence}"));

        var started = Stopwatch.GetTimestamp();
        var predictions = await Task.Run(() => classifier.Classify(reads.Records, request.BatchTokens, null, cancellationToken), cancellationToken);
        PredictionTsvWriter.Write(request.Output, reads.Records, predictions);
        var seconds = Math.Max(Stopwatch.GetElapsedTime(started).TotalSeconds, 1e-9);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"classified {reads.Records.Count:N0} reads in {seconds:F1} s ({reads.Records.Count / seconds:F0} reads/s) -> {Path.GetFullPath(request.Output)}"));

        var assigned = Enumerable.Range(0, TaxonomyPath.RankCount)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{((TaxonomyRank)r).ToString().ToLowerInvariant()} {100.0 * predictions.Count(p => p.Ranks[r].IsAssigned) / predictions.Count:F1}%"));
        Console.Out.WriteLine("assigned: " + string.Join(", ", assigned));
        if (!request.Evaluate)
        {
            return null;
        }

        var metrics = new TaxonomyMetrics();
        for (var i = 0; i < predictions.Count; i++)
        {
            metrics.Add(reads.Taxonomy[i], predictions[i]);
        }

        var scores = metrics.Compute();
        RankTable.WriteScores(Console.Out, string.Create(CultureInfo.InvariantCulture, $"accuracy against the input's taxonomy ({reads.Records.Count:N0} reads; unassigned counts as wrong):"), scores, ChanceLevel.Of(reads.Taxonomy));
        return scores;
    }
}
