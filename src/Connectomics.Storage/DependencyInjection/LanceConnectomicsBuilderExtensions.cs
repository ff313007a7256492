using System.Diagnostics.Metrics;
using Connectomics.DependencyInjection;
using Connectomics.OptionsValidation;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Connectomics;

/// <summary>Registers a Lance database.</summary>
public static class LanceConnectomicsBuilderExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="LanceDatabase"/>, opened on first use; the writers it opens log their
    /// commits and conflicts through the container's <see cref="ILoggerFactory"/> and record them on the
    /// <c>Connectomics.Storage</c> meter of its <see cref="IMeterFactory"/>, when they are registered. The options
    /// are validated when the host starts, and every problem is reported. Safe to call more than once: the first
    /// registration of the database wins, and every call's <paramref name="configure"/> is applied to the options.
    /// </summary>
    /// <param name="builder">The Connectomics builder.</param>
    /// <param name="configure">Sets the database directory.</param>
    /// <returns>The builder.</returns>
    public static IConnectomicsBuilder AddLanceDatabase(this IConnectomicsBuilder builder, Action<LanceDatabaseOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<LanceDatabaseOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<LanceDatabaseOptions>, NamedOptionsValidator<LanceDatabaseOptions, LanceDatabaseOptionsValidator>>());
        services.TryAddSingleton(static s => s.GetService<IMeterFactory>() is { } meters ? new StorageTelemetry(meters) : StorageTelemetry.Shared);
        services.TryAddSingleton(static s => LanceDatabase.Open(
            s.GetRequiredService<IOptions<LanceDatabaseOptions>>().Value.Directory,
            s.GetRequiredService<StorageTelemetry>(),
            (ILogger?)s.GetService<ILoggerFactory>()?.CreateLogger<LanceTableWriter>() ?? NullLogger.Instance));
        return builder;
    }
}
