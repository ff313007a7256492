using Microsoft.Extensions.Logging;

namespace Connectomics.Storage.Checkpoints;

/// <summary>The log messages of the checkpoint store.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "CheckpointDamaged", Level = LogLevel.Warning,
        Message = "Checkpoint file {CheckpointPath} of run {RunId} is damaged ({Reason}); falling back to the previous state")]
    public static partial void CheckpointDamaged(ILogger logger, string runId, string checkpointPath, string reason);

    [LoggerMessage(EventId = 2, EventName = "CheckpointMissingUsingPrevious", Level = LogLevel.Warning,
        Message = "Checkpoint file {CheckpointPath} of run {RunId} is missing (a save was interrupted); using the previous state")]
    public static partial void CheckpointMissingUsingPrevious(ILogger logger, string runId, string checkpointPath);

    [LoggerMessage(EventId = 3, EventName = "CheckpointPreviousUsed", Level = LogLevel.Warning,
        Message = "Resuming run {RunId} from the previous checkpoint {CheckpointPath} (store version {StoreVersion})")]
    public static partial void CheckpointPreviousUsed(ILogger logger, string runId, string checkpointPath, ulong storeVersion);

    [LoggerMessage(EventId = 4, EventName = "CheckpointDamagedNotKept", Level = LogLevel.Warning,
        Message = "Checkpoint file {CheckpointPath} of run {RunId} is damaged ({Reason}); it is replaced and the previous state is kept")]
    public static partial void CheckpointDamagedNotKept(ILogger logger, string runId, string checkpointPath, string reason);

    [LoggerMessage(EventId = 5, EventName = "CheckpointTempRemoved", Level = LogLevel.Information,
        Message = "Removed {CheckpointPath}, left by a save of run {RunId} that did not complete")]
    public static partial void CheckpointTempRemoved(ILogger logger, string runId, string checkpointPath);

    [LoggerMessage(EventId = 6, EventName = "CheckpointSaved", Level = LogLevel.Debug,
        Message = "Saved the checkpoint of run {RunId} at store version {StoreVersion} to {CheckpointPath}")]
    public static partial void CheckpointSaved(ILogger logger, string runId, string checkpointPath, ulong storeVersion);

    [LoggerMessage(EventId = 7, EventName = "CheckpointLoaded", Level = LogLevel.Information,
        Message = "Resuming run {RunId} from {CheckpointPath} (store version {StoreVersion})")]
    public static partial void CheckpointLoaded(ILogger logger, string runId, string checkpointPath, ulong storeVersion);

    [LoggerMessage(EventId = 8, EventName = "CheckpointNotFound", Level = LogLevel.Information,
        Message = "Run {RunId} has no checkpoint in {RunDirectory}; it starts from the beginning")]
    public static partial void CheckpointNotFound(ILogger logger, string runId, string runDirectory);
}
