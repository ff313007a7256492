using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Reading;

namespace Connectomics.Volumes.Stores;

/// <summary>
/// Opens volume stores and wraps their arrays for reading with the application's settings: registered by
/// <c>services.AddConnectomics().AddVolumes(...)</c>, it applies the registered <see cref="VolumeStoreOptions"/> and
/// <see cref="VolumeReadOptions"/>, the shared <see cref="ChunkCache"/>, and the container's clock, loggers and meters.
/// </summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IVolumeStoreFactory
{
    /// <summary>Opens a volume by location (a directory, a <c>file://</c>, <c>http(s)://</c> or <c>gs://</c> address).</summary>
    /// <param name="location">Where the volume's root is.</param>
    /// <returns>The volume store; nothing is read until it is used.</returns>
    /// <exception cref="ArgumentException"><paramref name="location"/> is empty or not a valid path or address.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="Errors.VolumeFeatureNotSupportedException">The address scheme is not read.</exception>
    VolumeStore Open(string location);

    /// <summary>Opens a volume in a store.</summary>
    /// <param name="store">The store whose root is the volume's root.</param>
    /// <returns>The volume store.</returns>
    VolumeStore Open(IKeyValueStore store);

    /// <summary>Wraps an array for box reads with the registered read options, the shared chunk cache, and the
    /// container's <see cref="TimeProvider"/>, logger factory and meter factory.</summary>
    /// <param name="array">The array (<c>[z, y, x]</c> or <c>[c, z, y, x]</c>, e.g. <see cref="VolumeSourceArray.Array"/>).</param>
    /// <returns>The volume array.</returns>
    /// <exception cref="Errors.VolumeFeatureNotSupportedException">The array is not of rank 3 or 4.</exception>
    VolumeArray CreateVolumeArray(IChunkedArray array);
}
