using System.Globalization;
using System.Security.Cryptography;
using Connectomics.FineTune.Demo;
using Connectomics.FineTune.Inputs;
using Connectomics.Lora.Taxonomy;
using Connectomics.Lora.Training;
using Microsoft.Extensions.Logging;

namespace Connectomics.FineTune.Jobs;

/// <summary>
/// What the tool does with no command: makes the synthetic labelled reads, pre-trains <c>tiny</c> briefly, fine-tunes
/// it with LoRA (a few minutes on two CPU cores), prints the per-rank validation accuracy beside chance, then loads
/// the saved adapter and head afresh and classifies the held-out reads. A second run finds both finished runs in the
/// directory and reuses them (nothing is left to train), then classifies again; <c>--restart</c> starts over.
/// </summary>
internal static class DemoJob
{
    // Sized for two CPU cores: a few minutes in all. Pre-training predicts every token over the whole vocabulary,
    // so its batches are kept small.
    private const int PretrainSteps = 30;
    private const int PretrainBatchTokens = 1024;
    private const double PretrainLearningRate = 1e-3;
    private const int TrainEpochs = 7;
    private const double TrainLearningRate = 3e-3;
    private const int BatchTokens = 4096;
    private const long Seed = 1;

    public static async Task RunAsync(DemoRequest request, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(request.Directory);
        if (request.Restart && Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
            Console.Error.WriteLine($"demo: removed {directory} to start over");
        }

        var dataset = DemoDataset.Write(directory);
        var train = Path.Combine(directory, DemoDataset.TrainFile);
        var validation = Path.Combine(directory, DemoDataset.ValidationFile);
        var test = Path.Combine(directory, DemoDataset.TestFile);
        var baseModel = Path.Combine(directory, "base");
        var run = Path.Combine(directory, "run");
        var predictions = Path.Combine(directory, "predictions.tsv");
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"demo: {dataset.Reads.Count:N0} synthetic reads of {dataset.Species.Count} species ({Count(dataset.Species, TaxonomyRank.Genus)} genera, {Count(dataset.Species, TaxonomyRank.Family)} families, {Count(dataset.Species, TaxonomyRank.Kingdom)} kingdoms), {dataset.Options.TemplateLength}-base marker-gene-like templates, lineage in each FASTA header: {directory}"));

        Console.Out.WriteLine();
        Console.Out.WriteLine("1. pre-training the 'tiny' preset briefly with the masked-LM objective");
        var before = Fingerprint(baseModel);
        await Redo(baseModel, () => PretrainJob.RunAsync(
            new PretrainRequest
            {
                Input = ReadInput.Fasta(train),
                Validation = ReadInput.Fasta(validation),
                Output = baseModel,
                Preset = "tiny",
                Steps = PretrainSteps,
                BatchTokens = PretrainBatchTokens,
                LearningRate = PretrainLearningRate,
                CheckpointEvery = 20,
                Seed = Seed,
                Device = request.Device,
            },
            loggerFactory,
            cancellationToken));
        if (before is not null && before != Fingerprint(baseModel) && Directory.Exists(run))
        {
            // The fine-tuning run belongs to the old base model.
            Directory.Delete(run, recursive: true);
        }

        Console.Out.WriteLine();
        Console.Out.WriteLine("2. fine-tuning with LoRA (query and value projections) and a 7-rank taxonomy head; the base stays frozen");
        await Redo(run, () => TrainJob.RunAsync(
            new TrainRequest
            {
                Input = ReadInput.Fasta(train),
                Validation = ReadInput.Fasta(validation),
                Model = baseModel,
                Output = run,
                Epochs = TrainEpochs,
                BatchTokens = BatchTokens,
                LearningRate = TrainLearningRate,
                EarlyStoppingPatience = null,
                CheckpointEvery = 25,
                Seed = Seed,
                Device = request.Device,
            },
            loggerFactory,
            cancellationToken));

        Console.Out.WriteLine();
        Console.Out.WriteLine("3. loading the saved adapter and head afresh and classifying the held-out reads");
        await PredictJob.RunAsync(
            new PredictRequest
            {
                Input = ReadInput.Fasta(test),
                Model = baseModel,
                Adapter = run,
                Output = predictions,
                Evaluate = true,
                MinConfidence = 0,
                Device = request.Device,
            },
            cancellationToken);
        var lines = File.ReadLines(predictions).Take(4).ToList();
        Console.Out.WriteLine($"predictions: {predictions} (first lines below)");
        foreach (var line in lines)
        {
            Console.Out.WriteLine("  " + line);
        }

        Console.Out.WriteLine();
        Console.Out.WriteLine($"TensorBoard logs: tensorboard --logdir {directory} (pre-training in base/runs, fine-tuning in run/runs)");
        Console.Out.WriteLine("the same with the commands:");
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  connectomics-finetune pretrain --input {train} --validation {validation} --out {baseModel} --preset tiny --steps {PretrainSteps} --batch-tokens {PretrainBatchTokens} --learning-rate {PretrainLearningRate} --seed {Seed}"));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  connectomics-finetune train --input {train} --validation {validation} --model {baseModel} --out {run} --epochs {TrainEpochs} --batch-tokens {BatchTokens} --learning-rate {TrainLearningRate} --early-stopping 0 --seed {Seed}"));
        Console.Out.WriteLine($"  connectomics-finetune predict --model {baseModel} --adapter {run} --input {test} --out {predictions} --min-confidence 0 --evaluate");
        Console.Out.WriteLine("run the demo again to reuse the finished runs (nothing left to train), or with --restart to start over.");
    }

    /// <summary>Runs a training job; when its directory holds a run with other settings (an older demo's), removes it
    /// and runs again from the start.</summary>
    private static async Task Redo<T>(string directory, Func<Task<T>> job)
    {
        try
        {
            await job();
        }
        catch (CheckpointMismatchException e)
        {
            Console.Error.WriteLine($"demo: {directory} holds a run with other settings ({string.Join("; ", e.Differences)}); starting it over");
            Directory.Delete(directory, recursive: true);
            await job();
        }
    }

    private static string? Fingerprint(string modelDirectory)
    {
        var weights = Path.Combine(modelDirectory, "model.safetensors");
        return File.Exists(weights) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(weights))) : null;
    }

    private static int Count(IEnumerable<TaxonomyPath> species, TaxonomyRank rank) =>
        species.Select(s => s[rank]).Distinct(StringComparer.Ordinal).Count();
}
