namespace Connectomics.Lora.Training;

/// <summary>Where a training run stands, reported after every optimizer step and every validation.</summary>
/// <param name="Step">Optimizer steps taken.</param>
/// <param name="TotalSteps">Optimizer steps the run will take if it does not stop early.</param>
/// <param name="Position">The data position of the next batch.</param>
/// <param name="Loss">The loss of the last optimizer step.</param>
/// <param name="LearningRate">The learning rate of the last optimizer step.</param>
/// <param name="GradientNorm">The global gradient norm of the last optimizer step, before clipping.</param>
/// <param name="TokensPerSecond">The throughput of the last optimizer step.</param>
/// <param name="Validation">The latest validation metrics by name, or <see langword="null"/> before the first.</param>
public sealed record TrainingProgress(
    long Step,
    long TotalSteps,
    DataPosition Position,
    double Loss,
    double LearningRate,
    double GradientNorm,
    double TokensPerSecond,
    IReadOnlyDictionary<string, double>? Validation);
