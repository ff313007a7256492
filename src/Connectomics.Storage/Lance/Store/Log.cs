using Microsoft.Extensions.Logging;

namespace Connectomics.Storage.Lance;

/// <summary>The log messages of the Lance vector store (event ids 121 to 140).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 121, EventName = "LanceVectorTableCreated", Level = LogLevel.Information,
        Message = "Created vector table {Table} in {Database}: {Columns} record column(s), vectors of dimension {Dimension}")]
    public static partial void VectorTableCreated(ILogger logger, string table, string database, int columns, int dimension);

    [LoggerMessage(EventId = 122, EventName = "LanceVectorTableCreatedByAnother", Level = LogLevel.Information,
        Message = "Another writer created vector table {Table} in {Database} first; opening its table")]
    public static partial void VectorTableCreatedByAnother(ILogger logger, string table, string database);

    [LoggerMessage(EventId = 123, EventName = "LanceTaggedCommit", Level = LogLevel.Information,
        Message = "Committed version {Version} of {TablePath} ({Mode}) for run {RunId} shard {Shard} at {Position}: {Rows} row(s) in {Fragments} fragment(s)")]
    public static partial void TaggedCommit(ILogger logger, string tablePath, ulong version, string mode, string runId, string shard, string position, long rows, int fragments);

    [LoggerMessage(EventId = 124, EventName = "LanceUncommittedFilesRemoved", Level = LogLevel.Information,
        Message = "Removed {Count} data file(s) of run {RunId} shard {Shard} from {TablePath} that no version refers to")]
    public static partial void UncommittedFilesRemoved(ILogger logger, string tablePath, string runId, string shard, int count);
}
