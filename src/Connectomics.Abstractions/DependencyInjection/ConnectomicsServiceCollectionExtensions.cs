using Connectomics.DependencyInjection;

// Extension methods on IServiceCollection live in Microsoft's namespace so that they are found without a using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Connectomics.NET with a service collection.</summary>
public static class ConnectomicsServiceCollectionExtensions
{
    /// <summary>Starts registering Connectomics services; each package adds its own <c>Add…</c> methods to the
    /// returned builder. Safe to call more than once.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The builder.</returns>
    public static IConnectomicsBuilder AddConnectomics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new ConnectomicsBuilder(services);
    }
}
