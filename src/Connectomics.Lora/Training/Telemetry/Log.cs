using Microsoft.Extensions.Logging;

namespace Connectomics.Lora.Training;

/// <summary>The log messages of the trainers.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 101, EventName = "TrainingStarted", Level = LogLevel.Information,
        Message = "{Task} of {Model}: {TrainReads} training reads, {ValidationReads} validation reads, {Epochs} epoch(s), {TotalSteps} optimizer steps, {Trainable} trainable parameters")]
    public static partial void TrainingStarted(ILogger logger, string task, string model, int trainReads, int validationReads, int epochs, long totalSteps, long trainable);

    [LoggerMessage(EventId = 102, EventName = "Resumed", Level = LogLevel.Information,
        Message = "Resumed from {Checkpoint} at step {Step} (epoch {Epoch}, batch {BatchIndex})")]
    public static partial void Resumed(ILogger logger, string checkpoint, long step, int epoch, int batchIndex);

    [LoggerMessage(EventId = 103, EventName = "StepCompleted", Level = LogLevel.Debug,
        Message = "Step {Step}: loss {Loss:F5}, learning rate {LearningRate:E3}, gradient norm {GradientNorm:F4}, {TokensPerSecond:F0} tokens/s")]
    public static partial void StepCompleted(ILogger logger, long step, double loss, double learningRate, double gradientNorm, double tokensPerSecond);

    [LoggerMessage(EventId = 104, EventName = "CheckpointWritten", Level = LogLevel.Information,
        Message = "Checkpoint {Checkpoint} written at step {Step}")]
    public static partial void CheckpointWritten(ILogger logger, string checkpoint, long step);

    [LoggerMessage(EventId = 105, EventName = "CheckpointsPruned", Level = LogLevel.Debug,
        Message = "Removed {Count} old checkpoint(s)")]
    public static partial void CheckpointsPruned(ILogger logger, int count);

    [LoggerMessage(EventId = 106, EventName = "EpochCompleted", Level = LogLevel.Information,
        Message = "Epoch {Epoch} done at step {Step}: training loss {TrainingLoss:F5}; validation {Metrics}")]
    public static partial void EpochCompleted(ILogger logger, int epoch, long step, double trainingLoss, string metrics);

    [LoggerMessage(EventId = 107, EventName = "NewBest", Level = LogLevel.Information,
        Message = "New best {Metric} = {Value:F5} at epoch {Epoch}")]
    public static partial void NewBest(ILogger logger, string metric, double value, int epoch);

    [LoggerMessage(EventId = 108, EventName = "StoppedEarly", Level = LogLevel.Information,
        Message = "Stopping early after epoch {Epoch}: {Metric} has not improved for {Patience} epoch(s); best {Best:F5} at epoch {BestEpoch}")]
    public static partial void StoppedEarly(ILogger logger, int epoch, string metric, int patience, double best, int bestEpoch);

    [LoggerMessage(EventId = 109, EventName = "TrainingCompleted", Level = LogLevel.Information,
        Message = "{Task} of {Model} finished after {Steps} steps; output in {Output}")]
    public static partial void TrainingCompleted(ILogger logger, string task, string model, long steps, string output);

    [LoggerMessage(EventId = 110, EventName = "BFloat16Ignored", Level = LogLevel.Warning,
        Message = "bfloat16 autocast applies on CUDA only; the model is on {Device}, so training stays float32")]
    public static partial void BFloat16Ignored(ILogger logger, string device);
}
