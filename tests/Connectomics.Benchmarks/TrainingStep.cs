using System.Diagnostics;
using System.Globalization;
using Connectomics.Gpu.Models;
using Connectomics.Lora.Adapters;
using Connectomics.Lora.Optimization;
using Connectomics.Lora.Pretraining;
using Connectomics.Lora.Taxonomy;
using TorchSharp;
using TorchSharp.Modules;
using AdamW = Connectomics.Lora.Optimization.AdamW;
using static TorchSharp.torch;

namespace Connectomics.Benchmarks;

/// <summary>
/// One optimizer step of fine-tuning or pre-training on random weights, with the library's own parts, as
/// tools/bench/pytorch_lora_train_bench.py does it in PyTorch: a batch of 1 kb reads (<c>&lt;cls&gt;</c> and 167
/// random v2 6-mer ids, no padding), the encoder in training mode, then either masked-mean pooling, the taxonomy head
/// and the rank-weighted loss (<see cref="TrainingStepKind.Lora"/>, <see cref="TrainingStepKind.Full"/>) or the
/// masked-LM loss (<see cref="TrainingStepKind.MaskedLm"/>), backward, and an AdamW step (learning rate 1e-4, weight
/// decay 0.01 except on biases and LayerNorm weights) that ends by clearing the gradients.
/// </summary>
internal sealed class TrainingStep : IDisposable
{
    /// <summary>Tokens per read: <c>&lt;cls&gt;</c> and 167 6-mers (the shapes of the forward-pass comparison).</summary>
    public const int Tokens = 168;

    /// <summary>The taxonomy's label counts per rank, kingdom first: a nested tree, every label of a rank has its
    /// parent at the rank above.</summary>
    public static readonly IReadOnlyList<int> LabelCounts = [2, 20, 60, 150, 300, 600, 1000];

    private readonly NucleotideTransformerModel _model;
    private readonly LoraAdapter? _adapter;
    private readonly TaxonomyHead? _head;
    private readonly MaskedTokenSampler? _sampler;
    private readonly AdamW _optimizer;
    private readonly Tensor _ids;
    private readonly Tensor _mask;
    private readonly Tensor _labels;
    private readonly RankWeights _weights = RankWeights.Default;

    public TrainingStep(string preset, TrainingStepKind kind, int batch, long seed = 0)
    {
        Kind = kind;
        Batch = batch;
        _model = NucleotideTransformerModel.FromPreset(preset, seed, withLanguageModelHead: kind == TrainingStepKind.MaskedLm);
        IEnumerable<(string Name, Parameter Parameter)> trainable;
        if (kind == TrainingStepKind.Lora)
        {
            _adapter = LoraAdapter.Inject(_model, new LoraOptions { Rank = 16, Alpha = 32, TargetModules = ["query", "value"] }, seed);
            trainable = _adapter.TrainableParameters();
        }
        else
        {
            trainable = _model.Module.named_parameters().Select(p => (p.name, p.parameter));
        }

        if (kind == TrainingStepKind.MaskedLm)
        {
            _sampler = new MaskedTokenSampler(_model.Vocabulary, seed: seed);
        }
        else
        {
            _head = new TaxonomyHead(SyntheticLabels(), _model.Config.HiddenSize, seed: seed);
            _head.train();
            trainable = trainable.Concat(_head.named_parameters().Select(p => ("taxonomy_head." + p.name, p.parameter)));
        }

        var parameters = trainable.ToArray();
        TrainableParameters = parameters.Sum(p => p.Parameter.numel());
        _optimizer = new AdamW(ParameterGroups.WithDecay(parameters, 0.01), new AdamWOptions { LearningRate = 1e-4, WeightDecay = 0.01 });
        _model.SetTrainingMode(true);

        using var generator = new Generator((ulong)seed + 1);
        _ids = torch.randint(6, 4102, [batch, Tokens], ScalarType.Int64, generator: generator);
        _ids[.., 0] = torch.tensor(3L);
        _mask = torch.ones([batch, Tokens], ScalarType.Int64);
        _labels = torch.stack(LabelCounts.Select(n => torch.randint(0, n, [batch], ScalarType.Int64, generator: generator)).ToArray(), 1);
    }

    public TrainingStepKind Kind { get; }

    public int Batch { get; }

    public long TrainableParameters { get; }

    public long TotalParameters => _model.Module.parameters().Sum(p => p.numel()) + (_head?.parameters().Sum(p => p.numel()) ?? 0);

    /// <summary>Runs one step and returns the loss.</summary>
    public float Run() => Run(null);

    /// <summary>Runs one step and returns the loss; <paramref name="phases"/>, when given, receives the milliseconds
    /// of the forward pass with the loss, the backward pass, and the optimizer step with clearing the gradients.</summary>
    public float Run(double[]? phases)
    {
        var started = Stopwatch.GetTimestamp();
        using var scope = torch.NewDisposeScope();
        Tensor loss;
        if (_sampler is not null)
        {
            using var masked = _sampler.Mask(_ids, _mask);
            loss = MaskedLanguageModelLoss.Compute(_model, masked);
        }
        else
        {
            var hidden = _model.Encode(_ids, _mask);
            var pooled = SequencePooling.MaskedMean(hidden, _mask);
            loss = TaxonomyLoss.Compute(_head!.Forward(pooled), _labels, _weights);
        }

        var value = loss.item<float>();
        var forwardDone = Stopwatch.GetTimestamp();
        loss.backward();
        var backwardDone = Stopwatch.GetTimestamp();
        _optimizer.Step();
        _optimizer.ZeroGrad();
        if (phases is not null)
        {
            phases[0] = Stopwatch.GetElapsedTime(started, forwardDone).TotalMilliseconds;
            phases[1] = Stopwatch.GetElapsedTime(forwardDone, backwardDone).TotalMilliseconds;
            phases[2] = Stopwatch.GetElapsedTime(backwardDone).TotalMilliseconds;
        }

        return value;
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _sampler?.Dispose();
        _head?.Dispose();
        _adapter?.Dispose();
        _model.Dispose();
        _ids.Dispose();
        _mask.Dispose();
        _labels.Dispose();
    }

    /// <summary>A nested taxonomy with <see cref="LabelCounts"/> labels: species i sits under label
    /// ⌊i·n_r / n_species⌋ at every rank r.</summary>
    private static TaxonomyLabels SyntheticLabels()
    {
        var species = LabelCounts[^1];
        var paths = Enumerable.Range(0, species).Select(i => new TaxonomyPath(
            LabelCounts.Select((n, r) => string.Create(CultureInfo.InvariantCulture, $"r{r}_{(long)i * n / species}")).ToArray<string?>()));
        var labels = TaxonomyLabels.Build(paths);
        for (var r = 0; r < LabelCounts.Count; r++)
        {
            if (labels.CountAt((TaxonomyRank)r) != LabelCounts[r])
            {
                throw new InvalidOperationException($"The synthetic taxonomy has {labels.CountAt((TaxonomyRank)r)} labels at rank {r}, not {LabelCounts[r]}.");
            }
        }

        return labels;
    }
}
