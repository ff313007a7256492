using System.Collections.Concurrent;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Tests.Precomputed;

/// <summary>Passes every call to another store and records the keys read.</summary>
internal sealed class CountingStore(IKeyValueStore inner) : IKeyValueStore
{
    public ConcurrentQueue<string> Reads { get; } = new();

    public string Location => inner.Location;

    public bool IsReadOnly => inner.IsReadOnly;

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        Reads.Enqueue(key);
        return inner.GetAsync(key, cancellationToken);
    }

    public ValueTask<byte[]?> GetRangeAsync(string key, ByteRange range, CancellationToken cancellationToken = default)
    {
        Reads.Enqueue(key);
        return inner.GetRangeAsync(key, range, cancellationToken);
    }

    public ValueTask PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) => inner.PutAsync(key, value, cancellationToken);

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
}
