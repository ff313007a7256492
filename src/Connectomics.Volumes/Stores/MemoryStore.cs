using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Connectomics.Volumes.Stores;

/// <summary>
/// A store held in memory: for tests, small intermediate arrays and conversion pipelines that never touch disk.
/// Values are copied in and out, so a caller's buffer never aliases the stored value.
/// </summary>
public sealed class MemoryStore : IKeyValueStore
{
    private readonly ConcurrentDictionary<string, byte[]> _values = new(StringComparer.Ordinal);

    /// <summary>Initializes a new, empty instance.</summary>
    /// <param name="location">The name error messages give the store.</param>
    public MemoryStore(string location = "memory:")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        Location = location;
    }

    /// <inheritdoc/>
    public string Location { get; }

    /// <inheritdoc/>
    public bool IsReadOnly => false;

    /// <summary>Gets the number of stored values.</summary>
    public int Count => _values.Count;

    /// <inheritdoc/>
    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        StoreKey.Validate(key);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_values.TryGetValue(key, out var value) ? (byte[]?)value.ToArray() : null);
    }

    /// <inheritdoc/>
    public ValueTask<byte[]?> GetRangeAsync(string key, ByteRange range, CancellationToken cancellationToken = default)
    {
        StoreKey.Validate(key);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_values.TryGetValue(key, out var value))
        {
            return ValueTask.FromResult<byte[]?>(null);
        }

        var (start, length) = range.Resolve(value.LongLength);
        return ValueTask.FromResult<byte[]?>(value.AsSpan((int)start, (int)length).ToArray());
    }

    /// <inheritdoc/>
    public ValueTask PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        StoreKey.Validate(key);
        cancellationToken.ThrowIfCancellationRequested();
        _values[key] = value.ToArray();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        StoreKey.Validate(key);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_values.TryRemove(key, out _));
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        foreach (var key in _values.Keys.Where(key => key.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
