using Connectomics.Gpu.Runtime;

namespace Connectomics.Lora;

/// <summary>Makes sure TorchSharp's native library is loaded through <see cref="TorchRuntime"/> before this package's
/// first TorchSharp call, as Connectomics.Gpu's own entry points do: the configuration in force is kept; without one,
/// the defaults are applied.</summary>
internal static class TorchRuntimeDefaults
{
    /// <summary>Applies the defaults unless a configuration is in force.</summary>
    /// <exception cref="TorchRuntimeException">TorchSharp's native library cannot be loaded.</exception>
    public static void EnsureApplied()
    {
        if (TorchRuntime.Current is not null)
        {
            return;
        }

        try
        {
            TorchRuntime.Configure(new TorchRuntimeOptions());
        }
        catch (InvalidOperationException)
        {
            // Another thread applied its own configuration between the check and the call; that one is in force.
        }
    }
}
