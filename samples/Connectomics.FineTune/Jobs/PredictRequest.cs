using Connectomics.FineTune.Inputs;

namespace Connectomics.FineTune.Jobs;

/// <summary>What <c>predict</c> does: the reads, the model and run to classify them with, and how.</summary>
internal sealed record PredictRequest
{
    public required ReadInput Input { get; init; }

    public required string Model { get; init; }

    public required string Adapter { get; init; }

    public required string Output { get; init; }

    public bool Hierarchical { get; init; } = true;

    public double MinConfidence { get; init; } = FineTuneDefaults.MinConfidence;

    public bool Evaluate { get; init; }

    public int? MaxTokens { get; init; }

    public int BatchTokens { get; init; } = FineTuneDefaults.BatchTokens;

    public string Device { get; init; } = "auto";
}
