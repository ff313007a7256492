using Connectomics.Lora.Adapters;
using Connectomics.Lora.Taxonomy;

namespace Connectomics.Lora.Training;

/// <summary>What LoRA fine-tuning ended with: the trained adapter (still injected in the model) and head, the metrics,
/// and the run's directory, whose root holds the final adapter (<c>adapter_config.json</c>,
/// <c>adapter_model.safetensors</c>) and head (<c>taxonomy_head.safetensors</c>, <c>taxonomy_labels.json</c>).</summary>
/// <remarks>The caller owns <see cref="Adapter"/> and <see cref="Head"/> and disposes them.</remarks>
public sealed class LoraFineTuningResult : TrainingResult
{
    internal LoraFineTuningResult(TrainingResult result, LoraAdapter adapter, TaxonomyHead head)
        : base(result.Steps, result.StoppedEarly, result.History, result.BestEpoch, result.BestMetric, result.OutputDirectory, result.LatestCheckpoint, result.BestCheckpoint)
    {
        Adapter = adapter;
        Head = head;
    }

    /// <summary>Gets the trained adapter, injected in the model (the best epoch's when
    /// <see cref="LoraFineTuningOptions.RestoreBestAtEnd"/> is set).</summary>
    public LoraAdapter Adapter { get; }

    /// <summary>Gets the trained taxonomy head, with its label vocabularies.</summary>
    public TaxonomyHead Head { get; }
}
