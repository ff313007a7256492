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

    [LoggerMessage(EventId = 4, EventName = "CpuWorkersPlanned", Level = LogLevel.Information,
        Message = "CPU: {Workers} worker(s) computing batches at once, {ThreadsPerWorker} libtorch thread(s) each; MKL: {MklDispatch}")]
    public static partial void CpuWorkersPlanned(ILogger logger, int workers, int threadsPerWorker, string mklDispatch);

    [LoggerMessage(EventId = 5, EventName = "MultiThreadedMklWithCpuFeatureDispatch", Level = LogLevel.Warning,
        Message = "CPU workers run {ThreadsPerWorker} libtorch threads each while MKL dispatches on CPU features: such multi-threaded MKL calls have given non-reproducible results on AMD processors; leave CpuWorkers unset (one single-threaded worker per thread) or leave TorchRuntimeOptions.MklDispatch AsShipped")]
    public static partial void MultiThreadedMklWithCpuFeatureDispatch(ILogger logger, int threadsPerWorker);

    [LoggerMessage(EventId = 6, EventName = "CpuWorkersLimitedByMemory", Level = LogLevel.Information,
        Message = "CPU: {Workers} worker(s) instead of one per thread, as each holds its own activations and {AvailableMiB} MiB are available; set CpuWorkers to choose")]
    public static partial void CpuWorkersLimitedByMemory(ILogger logger, int workers, long availableMiB);

    [LoggerMessage(EventId = 7, EventName = "ModelFingerprinted", Level = LogLevel.Information,
        Message = "Model {Model} has fingerprint {Fingerprint}: {TensorCount} tensors, {MiB} MiB of weights hashed in {ElapsedMs} ms")]
    public static partial void ModelFingerprinted(ILogger logger, string model, string fingerprint, int tensorCount, long miB, long elapsedMs);
}
