using Microsoft.Extensions.Logging;

namespace Connectomics.Gpu.Runtime;

/// <summary>The log messages of the TorchSharp runtime configuration.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 101, EventName = "TorchRuntimeApplied", Level = LogLevel.Information,
        Message = "TorchSharp runtime applied ({Application}): native library {NativeMode} ({LoadedLibrary}); process-wide changes: {Changes}")]
    public static partial void TorchRuntimeApplied(ILogger logger, TorchRuntimeApplication application, TorchNativeLibraryMode nativeMode, string loadedLibrary, string changes);

    [LoggerMessage(EventId = 102, EventName = "TorchRuntimeSettingChangedProcess", Level = LogLevel.Information,
        Message = "TorchSharp runtime: {Setting} = {Value} ({Source}) changed the process: {Detail}")]
    public static partial void SettingChangedProcess(ILogger logger, string setting, string value, TorchRuntimeSettingSource source, string detail);

    [LoggerMessage(EventId = 103, EventName = "TorchRuntimeSettingLeftProcessAlone", Level = LogLevel.Debug,
        Message = "TorchSharp runtime: {Setting} = {Value} ({Source}), process unchanged: {Detail}")]
    public static partial void SettingLeftProcessAlone(ILogger logger, string setting, string value, TorchRuntimeSettingSource source, string detail);

    [LoggerMessage(EventId = 104, EventName = "TorchRuntimeConfiguredAgain", Level = LogLevel.Debug,
        Message = "TorchSharp runtime: the same settings were configured again; nothing to do")]
    public static partial void ConfiguredAgain(ILogger logger);

    [LoggerMessage(EventId = 105, EventName = "ThreadLocalIntraOpThreadsUnavailable", Level = LogLevel.Warning,
        Message = "libtorch's OpenMP or MKL thread-count functions were not found ({Missing}); CPU workers set their thread counts through torch.set_num_threads, which also becomes the default of threads that have not run libtorch yet")]
    public static partial void ThreadLocalIntraOpThreadsUnavailable(ILogger logger, string missing);
}
