namespace Connectomics.Gpu.Runtime;

/// <summary>How the TorchSharp runtime configuration came to be applied.</summary>
public enum TorchRuntimeApplication
{
    /// <summary>The library's first use found no configuration and applied the defaults, which change nothing
    /// process-wide.</summary>
    FirstUse,

    /// <summary><see cref="TorchRuntime.Configure(TorchRuntimeOptions, Microsoft.Extensions.Logging.ILogger?)"/>
    /// applied it.</summary>
    Configure,
}
