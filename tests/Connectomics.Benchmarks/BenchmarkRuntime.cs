using Connectomics.Gpu.Runtime;

namespace Connectomics.Benchmarks;

/// <summary>
/// The process settings the benchmarks run under. The library changes nothing process-wide by default; the
/// measurements in docs/benchmarks.md name the settings they opted into.
/// </summary>
internal static class BenchmarkRuntime
{
    /// <summary>The environment variable that chooses MKL's dispatch when no switch does (tools/bench sets it).</summary>
    public const string MklDispatchVariable = "CONNECTOMICS_MKL_VENDOR_DISPATCH";

    /// <summary>Builds the options.</summary>
    /// <param name="fastCpu">Whether to use <see cref="TorchRuntimeOptions.ForCpuThroughput"/> (heap kept for reuse,
    /// transparent huge pages); otherwise the defaults.</param>
    /// <param name="mklDispatch"><c>cpu-features</c> or <c>keep</c>; <see langword="null"/> reads
    /// <see cref="MklDispatchVariable"/>.</param>
    /// <param name="threads">libtorch's thread count for the process, or <see langword="null"/> for its default.</param>
    /// <returns>The options.</returns>
    public static TorchRuntimeOptions Options(bool fastCpu, string? mklDispatch, int? threads = null)
    {
        var options = fastCpu ? TorchRuntimeOptions.ForCpuThroughput() : new TorchRuntimeOptions();
        var setting = mklDispatch ?? Environment.GetEnvironmentVariable(MklDispatchVariable);
        options.MklDispatch = setting?.Trim().ToLowerInvariant() switch
        {
            null or "" or "keep" => MklDispatchMode.AsShipped,
            "cpu-features" => MklDispatchMode.CpuFeatures,
            _ => throw new ArgumentException($"MKL dispatch '{setting}' is not understood: use 'cpu-features' or 'keep'."),
        };
        options.IntraOpThreads = threads;
        return options;
    }
}
