using Microsoft.Extensions.Logging;

namespace Connectomics.Volumes.Pipelines;

/// <summary>The volume pipeline's log messages (event ids 420–429).</summary>
internal static partial class VolumePipelineLog
{
    [LoggerMessage(EventId = 420, EventName = "VolumePipelineBuilt", Level = LogLevel.Information,
        Message = "Volume pipeline over {Source} ({Shape}, {DataType}): {Blocks} blocks of {BlockSize}, halo {Halo}, read box {ReadBox}, rows {Rows}; normalisation {Normalization}; memory bound {MemoryBound} bytes")]
    public static partial void Built(ILogger logger, string source, string shape, string dataType, long blocks, string blockSize, string halo, string readBox, string rows, string normalization, long memoryBound);

    [LoggerMessage(EventId = 421, EventName = "VolumePipelineFinished", Level = LogLevel.Information,
        Message = "Volume pipeline over {Source} ended {Outcome}: {Embedded} blocks embedded, {Skipped} skipped, {Failed} failed, {Rows} rows written, in {Elapsed}")]
    public static partial void Finished(ILogger logger, string source, string outcome, long embedded, long skipped, long failed, long rows, TimeSpan elapsed);
}
