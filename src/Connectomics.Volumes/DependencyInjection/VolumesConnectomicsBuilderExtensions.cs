using System.Diagnostics.Metrics;
using Connectomics.DependencyInjection;
using Connectomics.OptionsValidation;
using Connectomics.Volumes.DependencyInjection;
using Connectomics.Volumes.Reading;
using Connectomics.Volumes.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connectomics;

/// <summary>Registers volume reading.</summary>
public static class VolumesConnectomicsBuilderExtensions
{
    /// <summary>
    /// Registers volume reading: <see cref="VolumeReadOptions"/> (validated when the host starts, every problem
    /// reported), <see cref="VolumeStoreOptions"/>, a singleton <see cref="ChunkCache"/> of
    /// <see cref="ChunkCache.DefaultMaxBytes"/> shared by the volumes read (register your own before this call to size
    /// it), and the singleton <see cref="IVolumeStoreFactory"/>, which opens stores and wraps arrays with them and with the
    /// container's <see cref="TimeProvider"/>, <see cref="ILoggerFactory"/> and <see cref="IMeterFactory"/> (the volume
    /// metrics go to the <c>Connectomics</c> meter it creates) when they are registered. Safe to call more than once:
    /// the first registrations win, and every call's <paramref name="configure"/> is applied to the options.
    /// </summary>
    /// <param name="builder">The Connectomics builder.</param>
    /// <param name="configure">Sets the read options (concurrency, retries), or <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    public static IConnectomicsBuilder AddVolumes(this IConnectomicsBuilder builder, Action<VolumeReadOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<VolumeReadOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddOptions<VolumeStoreOptions>();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<VolumeReadOptions>, NamedOptionsValidator<VolumeReadOptions, VolumeReadOptionsValidator>>());
        services.TryAddSingleton(static s => new ChunkCache(ChunkCache.DefaultMaxBytes, s.GetService<IMeterFactory>()));
        services.TryAddSingleton<IVolumeStoreFactory>(static s => new VolumeStoreFactory(
            s.GetRequiredService<IOptions<VolumeStoreOptions>>(),
            s.GetRequiredService<IOptions<VolumeReadOptions>>(),
            s.GetRequiredService<ChunkCache>(),
            s.GetService<TimeProvider>(),
            s.GetService<ILoggerFactory>(),
            s.GetService<IMeterFactory>()));
        return builder;
    }
}
