using Microsoft.Extensions.DependencyInjection;

namespace Connectomics.DependencyInjection;

/// <summary>The default <see cref="IConnectomicsBuilder"/>.</summary>
internal sealed class ConnectomicsBuilder(IServiceCollection services) : IConnectomicsBuilder
{
    /// <inheritdoc />
    public IServiceCollection Services { get; } = services;
}
