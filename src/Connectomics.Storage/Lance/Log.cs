using Microsoft.Extensions.Logging;

namespace Connectomics.Storage.Lance;

/// <summary>The log messages of Lance table writes (event ids 101 and up; the checkpoint store's are 1 to 100).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 101, EventName = "LanceTableCommitted", Level = LogLevel.Information,
        Message = "Committed version {Version} of {TablePath} ({Mode}): {Rows} rows in {Fragments} fragment(s), {Bytes} bytes")]
    public static partial void TableCommitted(ILogger logger, string tablePath, ulong version, string mode, long rows, int fragments, long bytes);

    [LoggerMessage(EventId = 102, EventName = "LanceCommitRebased", Level = LogLevel.Information,
        Message = "Another writer committed version {Version} of {TablePath} first; the commit is rebuilt on version {LatestVersion}")]
    public static partial void CommitRebased(ILogger logger, string tablePath, ulong version, ulong latestVersion);

    [LoggerMessage(EventId = 103, EventName = "LanceCommitConflict", Level = LogLevel.Warning,
        Message = "A commit to {TablePath} based on version {ReadVersion} was refused: {Reason}")]
    public static partial void CommitConflict(ILogger logger, string? tablePath, ulong? readVersion, string reason);
}
