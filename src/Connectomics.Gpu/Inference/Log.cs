using Microsoft.Extensions.Logging;

namespace Connectomics.Gpu.Inference;

/// <summary>The log messages of the embedding engine.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "EmbedderReady", Level = LogLevel.Information,
        Message = "Embedder {Model} ready: {Dimension}-dim, {Layers} layers, on {Devices}; native runtime {NativeMode}")]
    public static partial void EmbedderReady(ILogger logger, string model, int dimension, int layers, string devices, string nativeMode);

    [LoggerMessage(EventId = 2, EventName = "WeightsLoaded", Level = LogLevel.Information,
        Message = "Loaded {TensorCount} tensors for {Model} from {Checkpoint}")]
    public static partial void WeightsLoaded(ILogger logger, string model, int tensorCount, string checkpoint);

    [LoggerMessage(EventId = 3, EventName = "BatchesPlanned", Level = LogLevel.Debug,
        Message = "{Records} records → {Windows} windows in {Batches} batches, padding {PaddingRatio:P1}")]
    public static partial void BatchesPlanned(ILogger logger, int records, int windows, int batches, double paddingRatio);
}
