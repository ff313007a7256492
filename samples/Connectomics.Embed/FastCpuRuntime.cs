using Connectomics.Gpu.Runtime;

namespace Connectomics.Embed;

/// <summary>
/// The process settings this sample opts into: the library changes nothing process-wide unless the application asks,
/// and a command-line tool that only embeds reads can afford the fast CPU set-up (see README, "TorchSharp on older
/// hosts").
/// </summary>
internal static class FastCpuRuntime
{
    /// <summary>The environment variable that chooses MKL's dispatch when <c>--mkl-dispatch</c> is not given.</summary>
    public const string MklDispatchVariable = "CONNECTOMICS_MKL_VENDOR_DISPATCH";

    /// <summary>Returns <see cref="TorchRuntimeOptions.ForCpuThroughput"/>, with MKL's dispatch from
    /// <paramref name="mklDispatch"/>, else <see cref="MklDispatchVariable"/>: <c>cpu-features</c> or <c>keep</c>.</summary>
    /// <param name="mklDispatch">The <c>--mkl-dispatch</c> value, or <see langword="null"/>.</param>
    /// <returns>The options.</returns>
    /// <exception cref="FormatException">The value is neither <c>cpu-features</c> nor <c>keep</c>.</exception>
    public static TorchRuntimeOptions Options(string? mklDispatch)
    {
        var fromVariable = mklDispatch is null;
        var setting = mklDispatch ?? Environment.GetEnvironmentVariable(MklDispatchVariable);
        var options = TorchRuntimeOptions.ForCpuThroughput();
        options.MklDispatch = setting?.Trim().ToLowerInvariant() switch
        {
            null or "" or "keep" => MklDispatchMode.AsShipped,
            "cpu-features" => MklDispatchMode.CpuFeatures,
            _ => throw new FormatException(
                $"{(fromVariable ? MklDispatchVariable : "--mkl-dispatch")}='{setting}' is not understood: use 'cpu-features' or 'keep'."),
        };
        return options;
    }
}
