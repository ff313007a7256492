namespace Connectomics.Volumes.Stores;

/// <summary>
/// Where arrays live: values under <c>/</c>-separated keys relative to the store's root (<c>s0/.zarray</c>,
/// <c>s0/c/0/0/0</c>, <c>8_8_40/0-64_0-64_0-64</c>). File-system, HTTP(S) and in-memory stores implement it.
/// </summary>
/// <remarks>
/// A missing key is not an error (<see cref="GetAsync"/> returns <see langword="null"/>): formats read a missing chunk as
/// its fill value. Transient failures surface as <see cref="IOException"/> (or <see cref="HttpRequestException"/>,
/// <see cref="TimeoutException"/>) for the reading engine to retry; stores never retry themselves.
/// </remarks>
public interface IKeyValueStore
{
    /// <summary>Gets where the store is (a directory or a URL), as error messages name it.</summary>
    string Location { get; }

    /// <summary>Gets a value indicating whether the store refuses <see cref="PutAsync"/> and <see cref="DeleteAsync"/>.</summary>
    bool IsReadOnly { get; }

    /// <summary>Reads a whole value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bytes, or <see langword="null"/> when the key does not exist.</returns>
    ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads part of a value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="range">The bytes to read; a range reaching past the end of the value returns the bytes up to the end.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bytes, or <see langword="null"/> when the key does not exist.</returns>
    ValueTask<byte[]?> GetRangeAsync(string key, ByteRange range, CancellationToken cancellationToken = default);

    /// <summary>Writes a value atomically: a reader sees the old value or the new one whole, never a part.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The bytes.</param>
    /// <param name="cancellationToken">Cancels the write; the old value stays.</param>
    /// <returns>A task that completes when the value is stored.</returns>
    /// <exception cref="NotSupportedException">The store is read-only.</exception>
    ValueTask PutAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default);

    /// <summary>Removes a value.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns><see langword="true"/> when the key existed.</returns>
    /// <exception cref="NotSupportedException">The store is read-only.</exception>
    ValueTask<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Lists the keys that start with <paramref name="prefix"/> (all keys for an empty prefix), in ordinal order.</summary>
    /// <param name="prefix">The prefix, e.g. <c>s0/</c>.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The keys.</returns>
    /// <exception cref="NotSupportedException">The store cannot list (HTTP).</exception>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken = default);
}
