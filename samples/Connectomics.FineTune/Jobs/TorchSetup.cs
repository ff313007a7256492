using Connectomics.Gpu.Runtime;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.FineTune.Jobs;

/// <summary>The process settings the tool opts into and the device it trains and predicts on.</summary>
internal static class TorchSetup
{
    /// <summary>Applies the fast CPU process settings (native heap and huge pages; MKL's dispatch as shipped, so that
    /// runs stay reproducible), which the library leaves off by default. Safe to call again.</summary>
    /// <param name="loggerFactory">Where the settings are logged.</param>
    /// <param name="verbose">Whether to print every setting.</param>
    public static void Configure(ILoggerFactory loggerFactory, bool verbose)
    {
        var state = TorchRuntime.Configure(TorchRuntimeOptions.ForCpuThroughput(), loggerFactory.CreateLogger(typeof(TorchRuntime).FullName!));
        if (verbose)
        {
            Console.Error.WriteLine(state.ToString());
        }
    }

    /// <summary>Resolves <c>--device</c>: <c>auto</c> (CUDA when available, else the CPU), <c>cpu</c>, <c>cuda</c> or
    /// <c>cuda:N</c>.</summary>
    /// <param name="text">The option's value.</param>
    /// <returns>The device.</returns>
    /// <exception cref="FormatException">The value is none of these, or names a CUDA device this host lacks.</exception>
    public static Device ResolveDevice(string text)
    {
        var value = text.Trim().ToLowerInvariant();
        if (value == "auto")
        {
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        }

        if (value == "cpu")
        {
            return torch.CPU;
        }

        if (value == "cuda" || value.StartsWith("cuda:", StringComparison.Ordinal))
        {
            var index = value == "cuda" ? 0 : int.TryParse(value.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1;
            if (index < 0)
            {
                throw new FormatException($"--device '{text}' is not understood: use auto, cpu, cuda or cuda:N.");
            }

            if (!torch.cuda.is_available() || index >= torch.cuda.device_count())
            {
                throw new FormatException($"--device '{text}': this host has {(torch.cuda.is_available() ? torch.cuda.device_count() : 0)} CUDA device(s) that TorchSharp can use (is the tool built with TorchBackend=cuda?).");
            }

            return torch.device(DeviceType.CUDA, index);
        }

        throw new FormatException($"--device '{text}' is not understood: use auto, cpu, cuda or cuda:N.");
    }
}
