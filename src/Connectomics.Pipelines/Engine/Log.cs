using Microsoft.Extensions.Logging;

namespace Connectomics.Pipelines.Engine;

/// <summary>The log messages of the pipeline engine.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "RunStarting", Level = LogLevel.Information,
        Message = "Run {RunId} shard {Shard}: {Units} of {AllUnits} units ({Weight} weight) into table {Table}; starting at {Position}{Resume}")]
    public static partial void RunStarting(ILogger logger, string runId, string shard, int units, int allUnits, long weight, string table, string position, string resume);

    [LoggerMessage(EventId = 2, EventName = "ResumeRefused", Level = LogLevel.Error,
        Message = "Run {RunId} shard {Shard} refused: {Reason}")]
    public static partial void ResumeRefused(ILogger logger, string runId, string shard, string reason);

    [LoggerMessage(EventId = 3, EventName = "Committed", Level = LogLevel.Information,
        Message = "Run {RunId} shard {Shard}: committed {Rows} rows as version {Version}, at {Position} ({RowsCommitted} rows in all)")]
    public static partial void Committed(ILogger logger, string runId, string shard, long rows, ulong version, string position, long rowsCommitted);

    [LoggerMessage(EventId = 4, EventName = "BadRecord", Level = LogLevel.Warning,
        Message = "Run {RunId} shard {Shard}: bad record ({Kind}) {Where}: {Reason}")]
    public static partial void BadRecord(ILogger logger, string runId, string shard, string kind, string where, string reason);

    [LoggerMessage(EventId = 5, EventName = "RunFinished", Level = LogLevel.Information,
        Message = "Run {RunId} shard {Shard} {Outcome}: {RowsWritten} rows written in {Commits} commits, {RecordsRead} records read, {Rejected} rejected in all, {Elapsed}; last version {Version}")]
    public static partial void RunFinished(ILogger logger, string runId, string shard, string outcome, long rowsWritten, int commits, long recordsRead, long rejected, TimeSpan elapsed, string version);

    [LoggerMessage(EventId = 6, EventName = "AlreadyComplete", Level = LogLevel.Information,
        Message = "Run {RunId} shard {Shard} is already complete (version {Version}, {Rows} rows): nothing to do")]
    public static partial void AlreadyComplete(ILogger logger, string runId, string shard, ulong version, long rows);

    [LoggerMessage(EventId = 7, EventName = "UncommittedRemoved", Level = LogLevel.Information,
        Message = "Run {RunId} shard {Shard}: removed {Files} file(s) of uncommitted work")]
    public static partial void UncommittedRemoved(ILogger logger, string runId, string shard, int files);

    [LoggerMessage(EventId = 8, EventName = "SeenIdsRebuilt", Level = LogLevel.Information,
        Message = "Run {RunId} shard {Shard}: re-read the ids of {Records} records already done to find repeated ids")]
    public static partial void SeenIdsRebuilt(ILogger logger, string runId, string shard, long records);

    [LoggerMessage(EventId = 9, EventName = "Restarted", Level = LogLevel.Warning,
        Message = "Run {RunId} shard {Shard}: starting over; the contents of table {Table} were replaced (version {Version})")]
    public static partial void Restarted(ILogger logger, string runId, string shard, string table, ulong version);

    [LoggerMessage(EventId = 10, EventName = "RetryingRecords", Level = LogLevel.Information,
        Message = "Run {RunId} shard {Shard}: trying {Records} quarantined record(s) again before going on")]
    public static partial void RetryingRecords(ILogger logger, string runId, string shard, int records);
}
