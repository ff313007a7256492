using System.Diagnostics;
using System.Globalization;
using Connectomics.Sequences;
using Connectomics.Gpu.Models;
using Connectomics.Gpu.Runtime;
using Connectomics.Gpu.Tokenization;
using Connectomics.Lora.Taxonomy;
using Connectomics.Lora.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Benchmarks;

/// <summary>
/// The LoRA-tuned encoder on the same held-out split as <see cref="TaxonomyBaselines"/>: a small encoder is
/// pre-trained with masked-LM on the training reads (or left at its random initialisation), LoRA adapters on query and
/// value plus the taxonomy head are fine-tuned on the training reads, and the held-out reads are predicted with
/// <see cref="TaxonomyPredictor"/> (flat and hierarchical). Prints Markdown rows in the baselines' table format.
/// </summary>
/// <remarks>
/// Arguments: <c>--seed N</c>, <c>--validation F</c>, <c>--read-length N</c>, <c>--reads-per-species N</c> (as the
/// baselines); <c>--preset NAME</c> (default <c>tiny</c>); <c>--pretrain-epochs N</c> (masked-LM epochs over the
/// training reads, default 2; 0 skips pre-training); <c>--epochs N</c> (fine-tuning epochs, default 6);
/// <c>--batch-size N</c> (default 16); <c>--pretrain-lr X</c> (default 1e-3); <c>--lr X</c> (fine-tuning, default
/// 2e-3); <c>--rank N</c> (16) and <c>--alpha X</c> (32); <c>--threads N</c> (torch intra-op threads).
/// </remarks>
internal static class TaxonomyLoraComparison
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seed = 1L;
        var validationFraction = 0.2;
        int? readLength = null;
        var readsPerSpecies = 4;
        var preset = "tiny";
        var pretrainEpochs = 2;
        var epochs = 6;
        var batchSize = 16;
        var pretrainLearningRate = 1e-3;
        var learningRate = 2e-3;
        var rank = 16;
        var alpha = 32.0;
        int? threads = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seed": seed = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--validation": validationFraction = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--read-length": readLength = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--reads-per-species": readsPerSpecies = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--preset": preset = args[++i]; break;
                case "--pretrain-epochs": pretrainEpochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--epochs": epochs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--batch-size": batchSize = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--pretrain-lr": pretrainLearningRate = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--lr": learningRate = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rank": rank = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--alpha": alpha = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'. Use --seed N --validation F --read-length N --reads-per-species N --preset NAME --pretrain-epochs N --epochs N --batch-size N --pretrain-lr X --lr X --rank N --alpha X --threads N.");
                    return 2;
            }
        }

        TorchRuntime.EnsureApplied();
        if (threads is { } count)
        {
            torch.set_num_threads(count);
        }

        var options = TaxonomyBaselines.DatasetOptions(seed, readLength, readsPerSpecies);
        var dataset = Lora.Taxonomy.Synthetic.SyntheticTaxonomyDataset.Generate(options);
        var (training, validation) = new LabelledSequenceSplit(validationFraction, seed).Split(dataset.Reads);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Synthetic set as taxonomy-baselines: {training.Count} training reads, {validation.Count} held out. Encoder preset '{preset}', "
            + $"masked-LM {pretrainEpochs} epoch(s) at {pretrainLearningRate:G3}, LoRA r {rank} alpha {alpha} on query/value + head, "
            + $"{epochs} epoch(s) at {learningRate:G3}, batch {batchSize}; {Environment.ProcessorCount} CPUs, {torch.get_num_threads()} torch threads."));

        var root = Path.Combine(Path.GetTempPath(), $"taxonomy-lora-{Environment.ProcessId}");
        try
        {
            using var model = NucleotideTransformerModel.FromPreset(preset, seed, withLanguageModelHead: pretrainEpochs > 0);
            var clock = Stopwatch.StartNew();
            if (pretrainEpochs > 0)
            {
                var pretraining = await MaskedLmPretraining.For(model)
                    .On(training.Select(t => new SequenceRecord(t.Id, t.Sequence)))
                    .Epochs(pretrainEpochs)
                    .CheckpointTo(Path.Combine(root, "mlm"))
                    .Configure(o =>
                    {
                        o.LearningRate = pretrainLearningRate;
                        o.BatchSize = batchSize;
                        o.ValidationFraction = 0;
                        o.CheckpointEverySteps = null;
                        o.KeepCheckpoints = 1;
                        o.WriteTensorBoard = false;
                        o.Seed = seed;
                    })
                    .RunAsync(Reporter("masked-LM")).ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Masked-LM: {pretraining.Steps} steps, training loss by epoch {string.Join(", ", pretraining.History.Select(h => h.TrainingLoss.ToString("F3", CultureInfo.InvariantCulture)))}, {clock.Elapsed.TotalSeconds:F0} s."));
            }

            var pretrainTime = clock.Elapsed;
            clock.Restart();
            var result = await LoraFineTuning.For(model)
                .Targets("query", "value").Rank(rank).Alpha(alpha)
                .OnTaxonomy(training)
                .Epochs(epochs)
                .CheckpointTo(Path.Combine(root, "lora"))
                .Configure(o =>
                {
                    o.LearningRate = learningRate;
                    o.BatchSize = batchSize;
                    o.ValidationFraction = 0;
                    o.CheckpointEverySteps = null;
                    o.KeepCheckpoints = 1;
                    o.WriteTensorBoard = false;
                    o.Seed = seed;
                })
                .RunAsync(Reporter("LoRA")).ConfigureAwait(false);
            using var adapter = result.Adapter;
            using var head = result.Head;
            var fineTuneTime = clock.Elapsed;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"LoRA: {result.Steps} steps, {adapter.Report()}, training loss by epoch {string.Join(", ", result.History.Select(h => h.TrainingLoss.ToString("F3", CultureInfo.InvariantCulture)))}, {fineTuneTime.TotalSeconds:F0} s."));

            clock.Restart();
            var flat = new TaxonomyMetrics();
            var hierarchical = new TaxonomyMetrics();
            var flatPredictor = new TaxonomyPredictor(head.Labels, new TaxonomyPredictorOptions { Hierarchical = false });
            var treePredictor = new TaxonomyPredictor(head.Labels, new TaxonomyPredictorOptions { Hierarchical = true });
            var tokenizer = new NucleotideTokenizer(model.Vocabulary);
            var maxTokens = model.Config.MaxTokens;
            model.SetTrainingMode(false);
            head.eval();
            using (no_grad())
            {
                foreach (var chunk in validation.Chunk(batchSize))
                {
                    using var scope = NewDisposeScope();
                    var tokenized = chunk.Select(r => tokenizer.EncodeWindows(r.Sequence, maxTokens, LongSequencePolicy.Truncate, r.Id)[0]).ToArray();
                    var length = tokenized.Max(t => t.Count);
                    var ids = new long[chunk.Length * length];
                    var mask = new long[chunk.Length * length];
                    Array.Fill(ids, (long)tokenizer.PadTokenId);
                    for (var b = 0; b < chunk.Length; b++)
                    {
                        for (var t = 0; t < tokenized[b].Count; t++)
                        {
                            ids[(b * length) + t] = tokenized[b][t];
                            mask[(b * length) + t] = 1;
                        }
                    }

                    var inputIds = tensor(ids, [chunk.Length, length], ScalarType.Int64);
                    var attentionMask = tensor(mask, [chunk.Length, length], ScalarType.Int64);
                    var hidden = model.Encode(inputIds, attentionMask);
                    var logits = head.Forward(SequencePooling.MaskedMean(hidden, attentionMask));
                    var byFlat = flatPredictor.Predict(logits);
                    var byTree = treePredictor.Predict(logits);
                    for (var b = 0; b < chunk.Length; b++)
                    {
                        flat.Add(chunk[b].Taxonomy, byFlat[b].ToPath());
                        hierarchical.Add(chunk[b].Taxonomy, byTree[b].ToPath());
                    }
                }
            }

            var predictTime = clock.Elapsed;
            var setting = pretrainEpochs > 0 ? $"masked-LM {pretrainEpochs} ep" : "no pre-training";
            Console.WriteLine();
            Console.WriteLine("| method | metric | kingdom | phylum | class | order | family | genus | species |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
            Row($"LoRA r{rank} ({preset}, {setting}), flat", flat);
            Row($"LoRA r{rank} ({preset}, {setting}), hierarchical", hierarchical);
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Time: masked-LM {pretrainTime.TotalSeconds:F0} s, LoRA fine-tuning {fineTuneTime.TotalSeconds:F0} s, prediction {predictTime.TotalSeconds:F1} s."));
            return 0;
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static SynchronousProgress Reporter(string phase) => new(p =>
    {
        if (p.Step % 25 == 0 && p.Validation is null)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{DateTime.UtcNow:HH:mm:ss} {phase} step {p.Step}/{p.TotalSteps} loss {p.Loss:F3} lr {p.LearningRate:G3} {p.TokensPerSecond:F0} tokens/s"));
        }
    });

    private static void Row(string method, TaxonomyMetrics metrics)
    {
        var scores = metrics.Compute();
        Console.WriteLine($"| {method} | accuracy | {string.Join(" | ", scores.Select(s => s.Accuracy.ToString("F3", CultureInfo.InvariantCulture)))} |");
        Console.WriteLine($"| | macro-F1 | {string.Join(" | ", scores.Select(s => s.MacroF1.ToString("F3", CultureInfo.InvariantCulture)))} |");
    }

    /// <summary>Reports on the calling thread (no thread-pool hop, unlike <see cref="Progress{T}"/>).</summary>
    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
