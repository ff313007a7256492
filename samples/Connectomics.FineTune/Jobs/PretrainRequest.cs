using Connectomics.FineTune.Inputs;

namespace Connectomics.FineTune.Jobs;

/// <summary>What <c>pretrain</c> does: the reads, the starting model, the run's length and settings.</summary>
internal sealed record PretrainRequest
{
    public required ReadInput Input { get; init; }

    public ReadInput? Validation { get; init; }

    public required string Output { get; init; }

    public string Preset { get; init; } = "tiny";

    public string? Model { get; init; }

    public int Epochs { get; init; } = FineTuneDefaults.PretrainEpochs;

    public long? Steps { get; init; }

    public int BatchTokens { get; init; } = FineTuneDefaults.BatchTokens;

    public int MaxTokens { get; init; } = FineTuneDefaults.MaxTokens;

    public double? LearningRate { get; init; }

    public double ValidationFraction { get; init; } = FineTuneDefaults.ValidationFraction;

    public int CheckpointEvery { get; init; } = FineTuneDefaults.CheckpointEvery;

    public long Seed { get; init; }

    public bool GradientCheckpointing { get; init; }

    public bool BFloat16 { get; init; }

    public string Device { get; init; } = "auto";
}
