using Connectomics.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;

namespace Connectomics;

/// <summary>Registers Connectomics.NET with a service collection.</summary>
public static class ConnectomicsServiceCollectionExtensions
{
    /// <summary>Starts registering Connectomics services; each package adds its own <c>Add…</c> methods to the
    /// returned builder. Safe to call more than once: every call returns a builder over the same collection and
    /// adds nothing twice.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The builder.</returns>
    public static IConnectomicsBuilder AddConnectomics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(ConnectomicsMarker) && descriptor.ImplementationInstance is ConnectomicsMarker marker
                && ReferenceEquals(marker.Builder.Services, services))
            {
                return marker.Builder;
            }
        }

        var builder = new ConnectomicsBuilder(services);
        services.Add(ServiceDescriptor.Singleton(new ConnectomicsMarker(builder)));
        return builder;
    }
}
