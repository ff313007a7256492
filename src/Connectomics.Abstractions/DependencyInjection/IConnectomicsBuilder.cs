using Microsoft.Extensions.DependencyInjection;

namespace Connectomics.DependencyInjection;

/// <summary>The object each Connectomics package adds its registrations to (<c>services.AddConnectomics().Add…()</c>).</summary>
public interface IConnectomicsBuilder
{
    /// <summary>Gets the service collection the registrations go to.</summary>
    IServiceCollection Services { get; }
}
