using Microsoft.Extensions.Logging;

namespace Connectomics.Volumes.Reading;

/// <summary>The log messages of the reading engine.</summary>
internal static partial class ReadingLog
{
    [LoggerMessage(EventId = 401, EventName = "ChunkReadRetried", Level = LogLevel.Warning,
        Message = "Reading chunk {ChunkKey} of {Location} failed ({Reason}); try {Attempt} of {Attempts} in {DelayMilliseconds} ms")]
    public static partial void ChunkReadRetried(ILogger logger, string location, string chunkKey, string reason, int attempt, int attempts, double delayMilliseconds);

    [LoggerMessage(EventId = 402, EventName = "ChunkReadFailed", Level = LogLevel.Error,
        Message = "Reading chunk {ChunkKey} of {Location} failed after {Attempts} tries ({Reason})")]
    public static partial void ChunkReadFailed(ILogger logger, string location, string chunkKey, int attempts, string reason);

    [LoggerMessage(EventId = 403, EventName = "ChunkCorrupt", Level = LogLevel.Error,
        Message = "Chunk {ChunkKey} of {Location} is corrupt: {Reason}")]
    public static partial void ChunkCorrupt(ILogger logger, string location, string chunkKey, string reason);
}
