using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;

namespace Connectomics.Gpu.Runtime;

/// <summary>
/// The one process-level configuration of the TorchSharp backend: loading its native library, and the optional
/// changes to the process that make CPU inference fast (allocator, huge pages, MKL's kernel dispatch, libtorch's
/// thread count). Applied at most once per process.
/// </summary>
/// <remarks>
/// <para>
/// An application that wants more than the defaults calls <see cref="Configure(TorchRuntimeOptions, ILogger?)"/>
/// once, before the first use of this package (or registers <c>ConfigureTorchRuntime</c> with dependency injection).
/// Otherwise the first use applies <see cref="TorchRuntimeOptions"/>' defaults, which change nothing process-wide:
/// they only load TorchSharp's native library (through a weakened copy where the host needs one).
/// </para>
/// <para>
/// Configuring again with the same settings returns the state in force; with other settings it throws, since
/// allocator parameters, environment variables and libtorch's global state cannot be taken back reliably once
/// native code has run with them. <see cref="Current"/> tells what is in force and why. Thread-safe.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// // At start-up, before building an embedder: the measured fast CPU settings, MKL's CPU-feature dispatch as well.
/// var options = TorchRuntimeOptions.ForCpuThroughput();
/// options.MklDispatch = MklDispatchMode.CpuFeatures;
/// var state = TorchRuntime.Configure(options, logger);
/// Console.WriteLine(state); // every setting, its value, its source and whether it changed the process
/// </code>
/// </example>
public static class TorchRuntime
{
    private static readonly Lock Gate = new();
    private static TorchRuntimeState? current;

    /// <summary>Gets the configuration in force, or <see langword="null"/> before it was applied (by
    /// <see cref="Configure(TorchRuntimeOptions, ILogger?)"/> or the library's first use).</summary>
    public static TorchRuntimeState? Current
    {
        get
        {
            lock (Gate)
            {
                return current;
            }
        }
    }

    /// <summary>Applies <paramref name="options"/> to this process, once.</summary>
    /// <param name="options">The settings (copied).</param>
    /// <param name="logger">Receives what was changed; <see langword="null"/> logs nothing.</param>
    /// <returns>The state in force.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">A setting is invalid.</exception>
    /// <exception cref="InvalidOperationException">A configuration with other settings was already applied (by an
    /// earlier call, or with the defaults by the library's first use); the message names the settings that
    /// differ.</exception>
    /// <exception cref="TorchRuntimeException">TorchSharp's native library cannot be loaded with these settings.</exception>
    public static TorchRuntimeState Configure(TorchRuntimeOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var requested = options.Clone();
        requested.Validate();
        logger ??= NullLogger.Instance;
        lock (Gate)
        {
            if (current is { } state)
            {
                var differences = state.AppliedOptions.DifferencesFrom(requested);
                if (differences.Count == 0)
                {
                    Log.ConfiguredAgain(logger);
                    return state;
                }

                var when = state.Application == TorchRuntimeApplication.FirstUse
                    ? "with the defaults, on the first use of Connectomics.Gpu"
                    : "by an earlier TorchRuntime.Configure";
                throw new InvalidOperationException(
                    $"The TorchSharp runtime was already applied {when} and is applied only once per process; these settings differ: " +
                    $"{string.Join("; ", differences)}. Configure it once, before the first use of Connectomics.Gpu.");
            }

            current = Apply(requested, TorchRuntimeApplication.Configure, logger);
            return current;
        }
    }

    /// <summary>Applies the defaults unless a configuration is in force. Every entry point of this package calls it
    /// before its first TorchSharp call; packages built on this one (and applications that create tensors before they
    /// load a model) call it too, so that TorchSharp's native library is loadable and configured once.</summary>
    /// <param name="logger">Receives what was done when this call applies the defaults.</param>
    /// <returns>The state in force.</returns>
    /// <exception cref="TorchRuntimeException">TorchSharp's native library cannot be loaded.</exception>
    public static TorchRuntimeState EnsureApplied(ILogger? logger = null)
    {
        lock (Gate)
        {
            current ??= Apply(new TorchRuntimeOptions(), TorchRuntimeApplication.FirstUse, logger ?? NullLogger.Instance);
            return current;
        }
    }

    private static TorchRuntimeState Apply(TorchRuntimeOptions options, TorchRuntimeApplication application, ILogger logger)
    {
        var defaults = new TorchRuntimeOptions();
        var settings = new List<TorchRuntimeSetting>();

        // The native library first: nothing else can be done without it, and it changes no process state beyond
        // loading the library, so a refusal leaves the process as it was.
        var cacheSource = options.NativeCacheDirectory is not null ? TorchRuntimeSettingSource.Configured
            : string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(TorchNativeRuntime.CacheVariable)) ? TorchRuntimeSettingSource.Default
            : TorchRuntimeSettingSource.Environment;
        var cacheRoot = options.NativeCacheDirectory ?? TorchNativeRuntime.DefaultCacheRoot();
        var (native, libtorchCpu) = TorchNativeRuntime.Load(cacheRoot, options.AllowWeakenedNativeCopy);
        settings.Add(new TorchRuntimeSetting(
            nameof(TorchRuntimeOptions.AllowWeakenedNativeCopy),
            Text(options.AllowWeakenedNativeCopy),
            SourceOf(options.AllowWeakenedNativeCopy, defaults.AllowWeakenedNativeCopy),
            ChangedProcessState: false,
            native.Mode switch
            {
                TorchNativeLibraryMode.WeakenedCopy =>
                    $"the host lacks {string.Join(", ", native.WeakenedVersions)}, which {native.ShippedLibraryPath} only names as markers: loaded the copy {native.LoadedLibraryPath} with those needs marked weak",
                TorchNativeLibraryMode.Unchanged => $"not needed: the host provides every symbol version; loaded {native.LoadedLibraryPath} as shipped",
                _ => $"not needed: not Linux, or no {TorchNativeRuntime.LibraryFileName} beside the application",
            }));
        settings.Add(new TorchRuntimeSetting(
            nameof(TorchRuntimeOptions.NativeCacheDirectory),
            cacheRoot,
            cacheSource,
            ChangedProcessState: false,
            native.Mode == TorchNativeLibraryMode.WeakenedCopy
                ? $"holds the weakened copy{(cacheSource == TorchRuntimeSettingSource.Environment ? $" (from {TorchNativeRuntime.CacheVariable})" : string.Empty)}"
                : "nothing written there"));

        var heapTuned = options.TuneNativeHeap && NativeHeapTuning.ApplyAllocatorSettings();
        settings.Add(new TorchRuntimeSetting(
            nameof(TorchRuntimeOptions.TuneNativeHeap),
            Text(options.TuneNativeHeap),
            SourceOf(options.TuneNativeHeap, defaults.TuneNativeHeap),
            heapTuned,
            heapTuned ? $"glibc allocator: {NativeHeapTuning.AllocatorSettings} (large freed blocks kept for reuse)"
                : options.TuneNativeHeap ? "not applied: not glibc, or glibc refused a setting"
                : "glibc's allocator parameters left as they are"));

        var hugePagesBefore = NativeHeapTuning.HugePagesSetting();
        if (hugePagesBefore is not null)
        {
            settings.Add(new TorchRuntimeSetting(
                nameof(TorchRuntimeOptions.UseTransparentHugePages),
                Text(options.UseTransparentHugePages),
                TorchRuntimeSettingSource.Environment,
                ChangedProcessState: false,
                $"{NativeHeapTuning.HugePagesVariable}={hugePagesBefore} was already set in the environment; left as it is"));
        }
        else
        {
            var set = options.UseTransparentHugePages && NativeHeapTuning.RequestHugePages();
            settings.Add(new TorchRuntimeSetting(
                nameof(TorchRuntimeOptions.UseTransparentHugePages),
                Text(options.UseTransparentHugePages),
                SourceOf(options.UseTransparentHugePages, defaults.UseTransparentHugePages),
                set,
                set ? $"set {NativeHeapTuning.HugePagesVariable}=1 in the C environment: libtorch's CPU allocator asks for transparent huge pages for large tensors"
                    : options.UseTransparentHugePages ? $"not applied: {NativeHeapTuning.HugePagesVariable} could not be set (not Linux or not glibc)"
                    : $"{NativeHeapTuning.HugePagesVariable} not set"));
        }

        var mkl = libtorchCpu is null
            ? "not applicable (no libtorch_cpu.so found)"
            : MklVendorDispatch.Apply(libtorchCpu, options.MklDispatch);
        var mklRedirected = mkl == MklVendorDispatch.Redirected;
        settings.Add(new TorchRuntimeSetting(
            nameof(TorchRuntimeOptions.MklDispatch),
            options.MklDispatch.ToString(),
            SourceOf(options.MklDispatch, defaults.MklDispatch),
            mklRedirected,
            mklRedirected ? $"{mkl}: libtorch's call of {MklVendorDispatch.VendorCheckSymbol} now answers 'Intel'" : mkl));

        int intraOpThreads;
        if (options.IntraOpThreads is int threads)
        {
            torch.set_num_threads(threads);
            intraOpThreads = threads;
        }
        else
        {
            intraOpThreads = DefaultIntraOpThreads();
        }

        settings.Add(new TorchRuntimeSetting(
            nameof(TorchRuntimeOptions.IntraOpThreads),
            options.IntraOpThreads is int configured ? configured.ToString(CultureInfo.InvariantCulture) : "null",
            SourceOf(options.IntraOpThreads, defaults.IntraOpThreads),
            options.IntraOpThreads is not null,
            options.IntraOpThreads is not null
                ? $"torch.set_num_threads({intraOpThreads}): libtorch's count for the configuring thread and every thread that does not choose its own"
                : $"libtorch's default left as it is ({intraOpThreads} thread(s))"));

        var threadCounts = ThreadIntraOpThreads.Resolve(libtorchCpu, out var missing);
        if (missing is not null && native.Mode != TorchNativeLibraryMode.NotApplicable)
        {
            Log.ThreadLocalIntraOpThreadsUnavailable(logger, missing);
        }

        var state = new TorchRuntimeState(options, application, native, settings, intraOpThreads, mklRedirected, threadCounts);
        foreach (var setting in settings)
        {
            if (setting.ChangedProcessState)
            {
                Log.SettingChangedProcess(logger, setting.Name, setting.Value, setting.Source, setting.Detail);
            }
            else
            {
                Log.SettingLeftProcessAlone(logger, setting.Name, setting.Value, setting.Source, setting.Detail);
            }
        }

        var changes = settings.Where(s => s.ChangedProcessState).Select(s => s.Name).ToList();
        Log.TorchRuntimeApplied(logger, application, native.Mode, native.LoadedLibraryPath ?? "TorchSharp's own search",
            changes.Count == 0 ? "none" : string.Join(", ", changes));
        return state;
    }

    /// <summary>Reads libtorch's default intra-op thread count on a thread of its own, where no count was chosen.</summary>
    /// <returns>The count.</returns>
    private static int DefaultIntraOpThreads()
    {
        var count = 1;
        var probe = new Thread(() => count = torch.get_num_threads()) { IsBackground = true, Name = "connectomics-torch-threads" };
        probe.Start();
        probe.Join();
        return Math.Max(1, count);
    }

    private static TorchRuntimeSettingSource SourceOf<T>(T value, T defaultValue) =>
        EqualityComparer<T>.Default.Equals(value, defaultValue) ? TorchRuntimeSettingSource.Default : TorchRuntimeSettingSource.Configured;

    private static string Text(bool value) => value ? "true" : "false";
}
