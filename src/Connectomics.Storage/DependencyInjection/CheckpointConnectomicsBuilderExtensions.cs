using System.Diagnostics.Metrics;
using Connectomics.Checkpoints;
using Connectomics.DependencyInjection;
using Connectomics.OptionsValidation;
using Connectomics.Durability;
using Connectomics.Storage.Checkpoints;
using Connectomics.Storage.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connectomics;

/// <summary>Registers the durable checkpoint store.</summary>
public static class CheckpointConnectomicsBuilderExtensions
{
    /// <summary>
    /// Registers a <see cref="FileCheckpointStore"/> as the singleton <see cref="ICheckpointStore"/>, created on first
    /// use with the container's <see cref="TimeProvider"/>, <see cref="ILoggerFactory"/> and <see cref="IMeterFactory"/>
    /// when they are registered. The options are validated when the host starts, and every problem is reported.
    /// Safe to call more than once: the first registration of the store wins, and every call's
    /// <paramref name="configure"/> is applied to the options.
    /// </summary>
    /// <param name="builder">The Connectomics builder.</param>
    /// <param name="configure">Sets the root directory and the run id.</param>
    /// <returns>The builder.</returns>
    public static IConnectomicsBuilder AddFileCheckpointStore(this IConnectomicsBuilder builder, Action<FileCheckpointStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<FileCheckpointStoreOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<FileCheckpointStoreOptions>, NamedOptionsValidator<FileCheckpointStoreOptions, FileCheckpointStoreOptionsValidator>>());
        services.TryAddSingleton(static s => s.GetService<IMeterFactory>() is { } meters ? new StorageTelemetry(meters) : StorageTelemetry.Shared);
        services.TryAddSingleton(static s =>
        {
            var options = s.GetRequiredService<IOptions<FileCheckpointStoreOptions>>().Value;
            return new FileCheckpointStore(
                options.Directory,
                options.RunId,
                s.GetService<TimeProvider>(),
                s.GetService<ILoggerFactory>()?.CreateLogger<FileCheckpointStore>(),
                s.GetRequiredService<StorageTelemetry>(),
                OperatingSystemFileSystem.Instance);
        });
        services.TryAddSingleton<ICheckpointStore>(static s => s.GetRequiredService<FileCheckpointStore>());
        return builder;
    }
}
