using Connectomics.Gpu.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Connectomics.Gpu.DependencyInjection;

/// <summary>Applies the <see cref="TorchRuntimeOptions"/> registered with <c>ConfigureTorchRuntime</c>; present in
/// a container only when they were.</summary>
internal sealed class TorchRuntimeActivation
{
    private readonly TorchRuntimeOptions _options;
    private readonly ILogger _logger;

    public TorchRuntimeActivation(IOptions<TorchRuntimeOptions> options, IServiceProvider services)
    {
        _options = options.Value;
        _logger = services.GetService<ILoggerFactory>()?.CreateLogger(typeof(TorchRuntime).FullName!) ?? NullLogger.Instance;
    }

    /// <summary>Applies the registered settings when the container has any; otherwise does nothing (the first use
    /// applies the defaults).</summary>
    /// <param name="services">The container.</param>
    /// <returns>The state in force, or <see langword="null"/> when nothing was registered.</returns>
    /// <exception cref="InvalidOperationException">Other settings were applied before.</exception>
    public static TorchRuntimeState? ApplyRegistered(IServiceProvider services) =>
        services.GetService<TorchRuntimeActivation>()?.Apply();

    /// <summary>Applies the settings (see <see cref="TorchRuntime.Configure(TorchRuntimeOptions, ILogger?)"/>).</summary>
    /// <returns>The state in force.</returns>
    public TorchRuntimeState Apply() => TorchRuntime.Configure(_options, _logger);
}
