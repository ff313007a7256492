namespace Connectomics.Lora.Training;

/// <summary>What a training loop ends with, before the task saves its final output.</summary>
/// <param name="State">The final trainer state (step, history, best-metric bookkeeping).</param>
/// <param name="LatestCheckpoint">The newest checkpoint's full path.</param>
/// <param name="BestCheckpoint">The best checkpoint's full path, or <see langword="null"/> without validation.</param>
/// <param name="TotalSteps">The optimizer steps the run was planned for.</param>
internal sealed record TrainingOutcome(TrainerState State, string LatestCheckpoint, string? BestCheckpoint, long TotalSteps);
