namespace Connectomics.DependencyInjection;

/// <summary>Registered once by <see cref="ConnectomicsServiceCollectionExtensions.AddConnectomics"/>: a later call
/// finds it and returns the same builder instead of starting over.</summary>
/// <param name="builder">The builder over the collection the marker is registered in.</param>
internal sealed class ConnectomicsMarker(IConnectomicsBuilder builder)
{
    /// <summary>Gets the builder that the first call returned.</summary>
    public IConnectomicsBuilder Builder { get; } = builder;
}
