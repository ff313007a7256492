using Microsoft.Extensions.Logging;

namespace Connectomics.Volumes.Conversion;

/// <summary>The log messages of <see cref="VolumeConverter"/>.</summary>
internal static partial class ConversionLog
{
    [LoggerMessage(EventId = 451, EventName = "ConversionStarted", Level = LogLevel.Information,
        Message = "Converting {Source} to {Format} at {Destination}: {Units} write units of [{UnitShape}], codec {Codec}, at most {MemoryBoundBytes} bytes held")]
    public static partial void ConversionStarted(ILogger logger, string source, string format, string destination, long units, string unitShape, string codec, long memoryBoundBytes);

    [LoggerMessage(EventId = 452, EventName = "ConversionFinished", Level = LogLevel.Information,
        Message = "Converted {Source} to {Destination}: {Units} write units in {ElapsedSeconds} s")]
    public static partial void ConversionFinished(ILogger logger, string source, string destination, long units, double elapsedSeconds);

    [LoggerMessage(EventId = 453, EventName = "ConversionUnitFailed", Level = LogLevel.Error,
        Message = "Converting {Source} to {Destination} failed at write unit [{UnitIndex}]; that unit was not written")]
    public static partial void UnitFailed(ILogger logger, Exception exception, string source, string destination, string unitIndex);
}
