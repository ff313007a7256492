using System.Globalization;
using Connectomics.Gpu.Models;
using Connectomics.Gpu.Tokenization;
using Connectomics.Lora.Adapters;
using Connectomics.Lora.Taxonomy;
using Connectomics.Sequences;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.FineTune.Prediction;

/// <summary>
/// A base model with a fine-tuning run's adapter and taxonomy head loaded, classifying reads as the run validated
/// them: the reads tokenized and truncated alike, the hidden states mean-pooled over the real tokens, the head's
/// logits turned into a label and probability per rank.
/// </summary>
internal sealed class TaxonomyClassifier : IDisposable
{
    private readonly NucleotideTransformerModel _model;
    private readonly LoraAdapter _adapter;
    private readonly TaxonomyHead _head;
    private readonly TaxonomyPredictor _predictor;
    private readonly NucleotideTokenizer _tokenizer;

    private TaxonomyClassifier(NucleotideTransformerModel model, LoraAdapter adapter, TaxonomyHead head, TaxonomyPredictorOptions options, int maxTokens)
    {
        _model = model;
        _adapter = adapter;
        _head = head;
        _predictor = new TaxonomyPredictor(head.Labels, options);
        _tokenizer = new NucleotideTokenizer(model.Vocabulary);
        MaxTokens = Math.Min(maxTokens, model.Config.MaxTokens);
    }

    /// <summary>Gets the labels the head was trained on.</summary>
    public TaxonomyLabels Labels => _head.Labels;

    /// <summary>Gets the adapter's targeted modules.</summary>
    public IReadOnlyList<string> TargetedModules => _adapter.TargetedModules;

    /// <summary>Gets the most tokens a read keeps, <c>&lt;cls&gt;</c> included.</summary>
    public int MaxTokens { get; }

    /// <summary>Gets the model's name.</summary>
    public string ModelName => _model.Name;

    /// <summary>Loads a base model (Hugging Face layout) and a run's adapter and head.</summary>
    /// <param name="modelDirectory">The base model's directory.</param>
    /// <param name="adapterDirectory">The run's directory: a PEFT adapter beside <c>taxonomy_head.safetensors</c> and
    /// <c>taxonomy_labels.json</c>.</param>
    /// <param name="device">The device to classify on.</param>
    /// <param name="options">How logits become labels.</param>
    /// <param name="maxTokens">The most tokens a read keeps (capped by the model's limit).</param>
    /// <returns>The classifier.</returns>
    public static TaxonomyClassifier Load(string modelDirectory, string adapterDirectory, Device device, TaxonomyPredictorOptions options, int maxTokens)
    {
        var model = NucleotideTransformerModel.FromPretrained(modelDirectory);
        LoraAdapter? adapter = null;
        TaxonomyHead? head = null;
        try
        {
            adapter = LoraAdapter.Load(model, adapterDirectory);
            head = TaxonomyHead.Load(adapterDirectory);
            if (head.HiddenSize != model.Config.HiddenSize)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"The taxonomy head in '{adapterDirectory}' takes {head.HiddenSize}-dim embeddings, but the model in '{modelDirectory}' gives {model.Config.HiddenSize}-dim ones: it was trained on another base model."));
            }

            model.MoveTo(device);
            head.to(device);
            model.SetTrainingMode(false);
            head.eval();
            return new TaxonomyClassifier(model, adapter, head, options, maxTokens);
        }
        catch
        {
            head?.Dispose();
            adapter?.Dispose();
            model.Dispose();
            throw;
        }
    }

    /// <summary>Classifies reads, in their order.</summary>
    /// <param name="reads">The reads.</param>
    /// <param name="batchTokens">The token budget of a batch (reads × longest read).</param>
    /// <param name="done">Receives the number of reads classified so far, after every batch; or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops between batches.</param>
    /// <returns>One prediction per read.</returns>
    public IReadOnlyList<TaxonomyPrediction> Classify(IReadOnlyList<SequenceRecord> reads, int batchTokens, IProgress<int>? done, CancellationToken cancellationToken)
    {
        var tokens = new int[reads.Count][];
        for (var i = 0; i < reads.Count; i++)
        {
            tokens[i] = [.. _tokenizer.EncodeWindows(reads[i].Sequence, MaxTokens, LongSequencePolicy.Truncate, reads[i].Id)[0]];
        }

        var predictions = new List<TaxonomyPrediction>(reads.Count);
        var device = _model.Device;
        using var noGrad = torch.no_grad();
        var start = 0;
        while (start < reads.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Reads in input order while the padded batch stays within the budget (one read at least).
            var end = start + 1;
            var longest = tokens[start].Length;
            while (end < reads.Count && (end - start + 1L) * Math.Max(longest, tokens[end].Length) <= batchTokens)
            {
                longest = Math.Max(longest, tokens[end].Length);
                end++;
            }

            using var scope = torch.NewDisposeScope();
            var rows = end - start;
            var ids = new long[rows * longest];
            var mask = new long[rows * longest];
            Array.Fill(ids, (long)_tokenizer.PadTokenId);
            for (var row = 0; row < rows; row++)
            {
                var read = tokens[start + row];
                for (var t = 0; t < read.Length; t++)
                {
                    ids[(row * longest) + t] = read[t];
                    mask[(row * longest) + t] = 1;
                }
            }

            long[] shape = [rows, longest];
            var inputIds = torch.tensor(ids, shape, ScalarType.Int64).to(device);
            var attentionMask = torch.tensor(mask, shape, ScalarType.Int64).to(device);
            var hidden = _model.Encode(inputIds, attentionMask);
            var pooled = SequencePooling.MaskedMean(hidden, attentionMask);
            predictions.AddRange(_predictor.Predict(_head.Forward(pooled)));
            start = end;
            done?.Report(start);
        }

        return predictions;
    }

    public void Dispose()
    {
        _head.Dispose();
        _adapter.Dispose();
        _model.Dispose();
    }
}
