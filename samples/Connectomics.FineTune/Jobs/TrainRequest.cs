using Connectomics.FineTune.Inputs;

namespace Connectomics.FineTune.Jobs;

/// <summary>What <c>train</c> does: the labelled reads, the base model, the adapters and the run's settings.</summary>
internal sealed record TrainRequest
{
    public required ReadInput Input { get; init; }

    public ReadInput? Validation { get; init; }

    public required string Model { get; init; }

    public required string Output { get; init; }

    public int Rank { get; init; } = FineTuneDefaults.Rank;

    public double Alpha { get; init; } = FineTuneDefaults.Alpha;

    public double Dropout { get; init; } = FineTuneDefaults.Dropout;

    public IReadOnlyList<string> Targets { get; init; } = FineTuneDefaults.Targets.Split(',');

    public int Epochs { get; init; } = FineTuneDefaults.TrainEpochs;

    public int BatchTokens { get; init; } = FineTuneDefaults.BatchTokens;

    public int MaxTokens { get; init; } = FineTuneDefaults.MaxTokens;

    public double? LearningRate { get; init; }

    public double ValidationFraction { get; init; } = FineTuneDefaults.ValidationFraction;

    public int? EarlyStoppingPatience { get; init; } = FineTuneDefaults.EarlyStoppingPatience;

    public int CheckpointEvery { get; init; } = FineTuneDefaults.CheckpointEvery;

    public long Seed { get; init; }

    public bool GradientCheckpointing { get; init; }

    public bool BFloat16 { get; init; }

    public string Device { get; init; } = "auto";
}
