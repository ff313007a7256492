using Connectomics.Gpu.Models;
using Connectomics.Lora.Adapters;
using Connectomics.Lora.Pretraining;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Lora.Training;

/// <summary>
/// Masked-LM pre-training: each batch is masked by a seeded <see cref="MaskedTokenSampler"/> and the loss is the
/// cross-entropy over the masked positions. Trains every weight of the model and its head, or only LoRA adapters.
/// </summary>
internal sealed class MaskedLmTask : ITrainingTask
{
    private readonly NucleotideTransformerModel _model;
    private readonly LoraAdapter? _adapter;
    private readonly MaskedTokenSampler _sampler;
    private readonly MaskedTokenSamplerOptions _masking;
    private readonly long _validationSeed;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="model">The model, with its masked-LM head (and <paramref name="adapter"/> injected, if any).</param>
    /// <param name="adapter">The adapters to train, or <see langword="null"/> to train every weight.</param>
    /// <param name="sampler">The masking of training batches (its generator is part of the checkpoints).</param>
    /// <param name="masking">The masking settings, for validation's own sampler.</param>
    /// <param name="validationSeed">The seed of the masking of validation reads (the same at every validation).</param>
    public MaskedLmTask(NucleotideTransformerModel model, LoraAdapter? adapter, MaskedTokenSampler sampler, MaskedTokenSamplerOptions masking, long validationSeed)
    {
        _model = model;
        _adapter = adapter;
        _sampler = sampler;
        _masking = masking;
        _validationSeed = validationSeed;
        TrainableParameters = adapter is not null
            ? [.. adapter.TrainableParameters()]
            : [.. model.Module.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter))];
    }

    /// <inheritdoc />
    public string Kind => "masked-lm";

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Parameter Parameter)> TrainableParameters { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> MetricNames { get; } = ["loss"];

    /// <inheritdoc />
    public void SetTrainingMode(bool training) => _model.SetTrainingMode(training);

    /// <inheritdoc />
    public Tensor Loss(TrainingBatch batch)
    {
        using var masked = _sampler.Mask(batch.InputIds, batch.AttentionMask);
        return MaskedLanguageModelLoss.Compute(_model, masked);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Validate(TrainingDataSet data, CancellationToken cancellationToken)
    {
        using var sampler = new MaskedTokenSampler(_model.Vocabulary, _masking, _validationSeed);
        double lossSum = 0;
        long selected = 0;
        using (torch.no_grad())
        {
            foreach (var indices in data.BatchesInOrder())
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                using var batch = data.Collate(indices, _model.Device);
                using var masked = sampler.Mask(batch.InputIds, batch.AttentionMask);
                if (masked.SelectedTokens == 0)
                {
                    continue;
                }

                lossSum += MaskedLanguageModelLoss.Compute(_model, masked).item<float>() * masked.SelectedTokens;
                selected += masked.SelectedTokens;
            }
        }

        return new Dictionary<string, double>(StringComparer.Ordinal) { ["loss"] = selected == 0 ? double.NaN : lossSum / selected };
    }

    /// <inheritdoc />
    public void SaveArtifacts(string directory)
    {
        if (_adapter is not null)
        {
            _adapter.Save(directory);
        }
        else
        {
            _model.SavePretrained(directory);
        }
    }

    /// <inheritdoc />
    public byte[]? GetRandomState() => _sampler.GetState();

    /// <inheritdoc />
    public void SetRandomState(byte[] state) => _sampler.SetState(state);
}
