using Microsoft.Extensions.Logging;

namespace Connectomics.Gpu.Volumes;

/// <summary>The log messages of volume embedding with the U-Net.</summary>
internal static partial class UNetVolumeLog
{
    [LoggerMessage(EventId = 201, EventName = "UNetBFloat16Ignored", Level = LogLevel.Warning,
        Message = "bfloat16 applies on CUDA only; the U-Net {Model} runs on {Device}, so it computes in float32")]
    public static partial void BFloat16Ignored(ILogger logger, string model, string device);
}
