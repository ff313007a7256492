using Connectomics.DependencyInjection;
using Connectomics.Gpu.DependencyInjection;
using Connectomics.Gpu.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Connectomics;

/// <summary>Configures the TorchSharp runtime of the process through dependency injection.</summary>
public static class TorchRuntimeConnectomicsBuilderExtensions
{
    /// <summary>
    /// Chooses the process-level TorchSharp settings (<see cref="TorchRuntimeOptions"/>): embedders the container
    /// creates apply them with <see cref="TorchRuntime.Configure(TorchRuntimeOptions, Microsoft.Extensions.Logging.ILogger?)"/>
    /// before they are built, logging through the container's logger factory. Options are validated when the host
    /// starts. Without this call the library's first use applies the defaults, which change nothing process-wide.
    /// Calling it several times composes the callbacks, as options do.
    /// </summary>
    /// <param name="builder">The Connectomics builder.</param>
    /// <param name="configure">Changes the settings, e.g. <c>o =&gt; o.TuneNativeHeap = true</c>.</param>
    /// <returns>The builder.</returns>
    public static IConnectomicsBuilder ConfigureTorchRuntime(this IConnectomicsBuilder builder, Action<TorchRuntimeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<TorchRuntimeOptions>()
            .Configure(configure)
            .Validate(o => { o.Validate(); return true; })
            .ValidateOnStart();
        builder.Services.TryAddSingleton<TorchRuntimeActivation>();
        return builder;
    }
}
