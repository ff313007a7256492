using Connectomics.Gpu.Models;
using Connectomics.Lora.Adapters;
using Connectomics.Lora.Taxonomy;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Lora.Training;

/// <summary>
/// Taxonomy fine-tuning: the encoder with LoRA adapters, its hidden states mean-pooled over the real tokens, the 7-rank
/// head, and the rank-weighted cross-entropy. Only the adapters and the head train.
/// </summary>
internal sealed class TaxonomyFineTuningTask : ITrainingTask
{
    /// <summary>The prefix of the head's parameters among the trainable parameters.</summary>
    public const string HeadPrefix = "taxonomy_head.";

    private readonly NucleotideTransformerModel _model;
    private readonly LoraAdapter _adapter;
    private readonly TaxonomyHead _head;
    private readonly RankWeights _weights;
    private readonly IReadOnlyList<TaxonomyPath> _validationTruth;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="model">The encoder, with <paramref name="adapter"/> injected.</param>
    /// <param name="adapter">The adapters.</param>
    /// <param name="head">The head, on the model's device.</param>
    /// <param name="weights">The loss weights per rank.</param>
    /// <param name="validationTruth">The taxonomy of each validation read, in the validation data's order.</param>
    public TaxonomyFineTuningTask(NucleotideTransformerModel model, LoraAdapter adapter, TaxonomyHead head, RankWeights weights, IReadOnlyList<TaxonomyPath> validationTruth)
    {
        _model = model;
        _adapter = adapter;
        _head = head;
        _weights = weights;
        _validationTruth = validationTruth;
        TrainableParameters =
        [
            .. adapter.TrainableParameters(),
            .. head.named_parameters().Select(p => (HeadPrefix + p.name, p.parameter)),
        ];
    }

    /// <inheritdoc />
    public string Kind => "lora-finetuning";

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> MetricNames { get; } = ["loss", .. TaxonomyMetricNames.All];

    /// <inheritdoc />
    public void SetTrainingMode(bool training)
    {
        _model.SetTrainingMode(training);
        _head.train(training);
    }

    /// <inheritdoc />
    public Tensor Loss(TrainingBatch batch)
    {
        var labels = batch.Labels ?? throw new InvalidOperationException("Taxonomy fine-tuning needs labelled batches.");
        var hidden = _model.Encode(batch.InputIds, batch.AttentionMask);
        var pooled = SequencePooling.MaskedMean(hidden, batch.AttentionMask);
        var logits = _head.Forward(pooled);
        return TaxonomyLoss.Compute(logits, labels, _weights);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Validate(TrainingDataSet data, CancellationToken cancellationToken)
    {
        var metrics = new TaxonomyMetrics();
        var labels = _head.Labels;
        double lossSum = 0;
        long rows = 0;
        using (torch.no_grad())
        {
            foreach (var indices in data.BatchesInOrder())
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                using var batch = data.Collate(indices, _model.Device);
                var hidden = _model.Encode(batch.InputIds, batch.AttentionMask);
                var pooled = SequencePooling.MaskedMean(hidden, batch.AttentionMask);
                var logits = _head.Forward(pooled);
                lossSum += TaxonomyLoss.Compute(logits, batch.Labels!, _weights).item<float>() * indices.Length;
                rows += indices.Length;
                var predicted = logits.Select(l => l.argmax(1).cpu().data<long>().ToArray()).ToArray();
                for (var row = 0; row < indices.Length; row++)
                {
                    var names = new string?[TaxonomyPath.RankCount];
                    for (var rank = 0; rank < TaxonomyPath.RankCount; rank++)
                    {
                        names[rank] = labels.CountAt((TaxonomyRank)rank) == 0 ? null : labels.NameOf((TaxonomyRank)rank, (int)predicted[rank][row]);
                    }

                    metrics.Add(_validationTruth[indices[row]], new TaxonomyPath(names));
                }
            }
        }

        var result = new SortedDictionary<string, double>(StringComparer.Ordinal) { ["loss"] = lossSum / Math.Max(1, rows) };
        var perRank = metrics.Compute();
        foreach (var rank in perRank)
        {
            result[TaxonomyMetricNames.Accuracy(rank.Rank)] = rank.Accuracy;
            result[TaxonomyMetricNames.MacroF1(rank.Rank)] = rank.MacroF1;
        }

        var scored = perRank.Where(r => r.Count > 0).ToList();
        result["accuracy/mean"] = scored.Count == 0 ? 0 : scored.Average(r => r.Accuracy);
        result["macro_f1/mean"] = scored.Count == 0 ? 0 : scored.Average(r => r.MacroF1);
        return result;
    }

    /// <inheritdoc />
    public void SaveArtifacts(string directory)
    {
        _adapter.Save(directory);
        _head.Save(directory);
    }

    /// <inheritdoc />
    public byte[]? GetRandomState() => null;

    /// <inheritdoc />
    public void SetRandomState(byte[] state)
    {
    }
}
