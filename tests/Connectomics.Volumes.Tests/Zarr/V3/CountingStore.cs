using System.Collections.Concurrent;
using Connectomics.Volumes.Stores;

namespace Connectomics.Volumes.Tests.Zarr.V3;

/// <summary>A store that records every read it serves, over a memory store.</summary>
internal sealed class CountingStore : IKeyValueStore
{
    public CountingStore(IKeyValueStore inner)
    {
        Inner = inner;
    }

    public IKeyValueStore Inner { get; }

    public ConcurrentQueue<string> Reads { get; } = new();

    public string Location => Inner.Location;

    public bool IsReadOnly => Inner.IsReadOnly;

    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        Reads.Enqueue($"get {key}");
        return Inner.GetAsync(key, cancellationToken);
    }

    public ValueTask<byte[]?> GetRangeAsync(string key, ByteRange range, CancellationToken cancellationToken = default)
    {
        Reads.Enqueue($"range {key} {range}");
        return Inner.GetRangeAsync(key, range, cancellationToken);
    }

    public ValueTask PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) => Inner.PutAsync(key, value, cancellationToken);

    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default) => Inner.DeleteAsync(key, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default) => Inner.ListAsync(prefix, cancellationToken);
}
