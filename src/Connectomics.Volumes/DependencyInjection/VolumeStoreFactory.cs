using System.Diagnostics.Metrics;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Reading;
using Connectomics.Volumes.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Connectomics.Volumes.DependencyInjection;

/// <summary>The registered <see cref="IVolumeStoreFactory"/>: the container's options, cache, clock, loggers and meters.</summary>
internal sealed class VolumeStoreFactory(
    IOptions<VolumeStoreOptions> storeOptions,
    IOptions<VolumeReadOptions> readOptions,
    ChunkCache cache,
    TimeProvider? timeProvider = null,
    ILoggerFactory? loggerFactory = null,
    IMeterFactory? meterFactory = null) : IVolumeStoreFactory
{
    /// <inheritdoc/>
    public VolumeStore Open(string location) => VolumeStore.Open(location, storeOptions.Value);

    /// <inheritdoc/>
    public VolumeStore Open(IKeyValueStore store) => VolumeStore.Open(store, storeOptions.Value);

    /// <inheritdoc/>
    public VolumeArray CreateVolumeArray(IChunkedArray array) =>
        new(array, cache, readOptions.Value, timeProvider, loggerFactory, meterFactory);
}
