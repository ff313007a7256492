using System.Collections.Concurrent;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Tests.Zarr.V2;

/// <summary>A store that records the keys read through it.</summary>
internal sealed class CountingStore(IKeyValueStore inner) : IKeyValueStore
{
    private readonly ConcurrentQueue<string> _reads = new();

    public IReadOnlyList<string> Reads => [.. _reads];

    public string Location => inner.Location;

    public bool IsReadOnly => inner.IsReadOnly;

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        _reads.Enqueue(key);
        return inner.GetAsync(key, cancellationToken);
    }

    public ValueTask<byte[]?> GetRangeAsync(string key, ByteRange range, CancellationToken cancellationToken = default)
    {
        _reads.Enqueue(key);
        return inner.GetRangeAsync(key, range, cancellationToken);
    }

    public ValueTask PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) => inner.PutAsync(key, value, cancellationToken);

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
}
