using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Zarr;

/// <summary>Names a key of a store for error messages and <see cref="Arrays.ChunkedArrayInfo.Location"/>: the store's
/// location, then the key (<c>/data/em.zarr/s0/.zarray</c>, <c>memory:/s0</c>).</summary>
internal static class NodeLocation
{
    /// <summary>Gets the name of a key (or of the store itself for the empty key).</summary>
    /// <param name="store">The store.</param>
    /// <param name="key">The key, possibly empty.</param>
    /// <returns>The name.</returns>
    public static string Of(IKeyValueStore store, string key) =>
        key.Length == 0 ? store.Location : $"{store.Location.TrimEnd('/')}/{key}";
}
