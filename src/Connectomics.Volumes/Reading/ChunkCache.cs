using System.Diagnostics.Metrics;
using Connectomics.Volumes.Telemetry;

namespace Connectomics.Volumes.Reading;

/// <summary>
/// Decoded chunks kept in memory, least recently used evicted first, within a hard limit on their bytes; concurrent
/// requests for one chunk share a single read (single flight). Keyed by the array (compared by reference) and the
/// chunk index, so one cache can serve several arrays.
/// </summary>
/// <remarks>
/// <para>The cache's size counts each entry's decoded bytes plus <see cref="EntryOverheadBytes"/> (so entries of chunks
/// that are not stored count too), and never exceeds <see cref="MaxBytes"/>: a chunk larger than the limit is returned
/// to its callers but not kept. A failed or cancelled read is not kept; the next request reads again.</para>
/// <para>The returned arrays are shared between callers and must not be written to. All members are thread-safe.</para>
/// </remarks>
public sealed class ChunkCache
{
    /// <summary>The bytes each entry counts besides its data (bookkeeping; the whole charge of a chunk not stored).</summary>
    public const int EntryOverheadBytes = 64;

    private readonly Lock _gate = new();
    private readonly Dictionary<ChunkCacheKey, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new();
    private readonly Dictionary<ChunkCacheKey, Task<byte[]?>> _loading = [];
    private readonly VolumeMetrics _metrics;
    private long _sizeBytes;
    private long _peakSizeBytes;
    private long _hits;
    private long _misses;
    private long _evictions;

    /// <summary>Initializes a cache of <see cref="DefaultMaxBytes"/>.</summary>
    public ChunkCache()
        : this(DefaultMaxBytes)
    {
    }

    /// <summary>Initializes a cache.</summary>
    /// <param name="maxBytes">The most bytes kept; 0 keeps nothing (reads are still shared while under way).</param>
    /// <param name="meterFactory">The meter factory for the cache metrics; <see langword="null"/> for the process-wide meter.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBytes"/> is negative.</exception>
    public ChunkCache(long maxBytes, IMeterFactory? meterFactory = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        MaxBytes = maxBytes;
        _metrics = VolumeMetrics.For(meterFactory);
    }

    /// <summary>Gets the default limit: one eighth of the memory available to the process
    /// (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>, which honours container limits).</summary>
    public static long DefaultMaxBytes => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8;

    /// <summary>Gets the most bytes the cache keeps.</summary>
    public long MaxBytes { get; }

    /// <summary>Gets the bytes the cache holds now.</summary>
    public long SizeBytes
    {
        get
        {
            lock (_gate)
            {
                return _sizeBytes;
            }
        }
    }

    /// <summary>Gets the most bytes the cache has held at any time.</summary>
    public long PeakSizeBytes
    {
        get
        {
            lock (_gate)
            {
                return _peakSizeBytes;
            }
        }
    }

    /// <summary>Gets the number of chunks the cache holds now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Gets the requests served without a read of their own: from the cache, or by joining a read under way.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Gets the requests that read the chunk.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Gets the chunks evicted to stay within the limit.</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    /// <summary>
    /// Gets a chunk from the cache, or joins the read of it under way, or reads it with <paramref name="load"/> and keeps
    /// the result.
    /// </summary>
    /// <param name="owner">The array the chunk belongs to, compared by reference.</param>
    /// <param name="chunkIndex">The chunk's index in the chunk grid.</param>
    /// <param name="load">Reads and decodes the chunk (<see langword="null"/>: not stored); called at most once at a time per chunk.</param>
    /// <param name="cancellationToken">Cancels this request (a read that other requests share goes on for them only
    /// if it was not started by this request).</param>
    /// <returns>The decoded chunk, shared and read-only, or <see langword="null"/> when it is not stored.</returns>
    public async ValueTask<byte[]?> GetOrLoadAsync(
        object owner, ReadOnlyMemory<long> chunkIndex, Func<CancellationToken, ValueTask<byte[]?>> load, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(load);
        var key = new ChunkCacheKey(owner, chunkIndex.Span);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Task<byte[]?>? underWay;
            TaskCompletionSource<byte[]?>? mine = null;
            lock (_gate)
            {
                if (_entries.TryGetValue(key, out var node))
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                    Interlocked.Increment(ref _hits);
                    _metrics.CacheHit();
                    return node.Value.Data;
                }

                if (!_loading.TryGetValue(key, out underWay))
                {
                    mine = new TaskCompletionSource<byte[]?>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _loading.Add(key, mine.Task);
                }
            }

            if (mine is null)
            {
                try
                {
                    var shared = await underWay!.WaitAsync(cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _hits);
                    _metrics.CacheHit();
                    return shared;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && underWay!.IsCanceled)
                {
                    // The request that started the read was cancelled; read again for this one.
                    continue;
                }
            }

            Interlocked.Increment(ref _misses);
            _metrics.CacheMiss();
            byte[]? data;
            try
            {
                data = await load(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                lock (_gate)
                {
                    _loading.Remove(key);
                }

                if (exception is OperationCanceledException canceled)
                {
                    mine.TrySetCanceled(canceled.CancellationToken);
                }
                else
                {
                    mine.TrySetException(exception);
                    _ = mine.Task.Exception; // observed here; the joiners rethrow it
                }

                throw;
            }

            lock (_gate)
            {
                _loading.Remove(key);
                Keep(key, data);
            }

            mine.TrySetResult(data);
            return data;
        }
    }

    /// <summary>Removes every chunk.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _metrics.CacheSizeChanged(-_sizeBytes);
            _entries.Clear();
            _recency.Clear();
            _sizeBytes = 0;
        }
    }

    private void Keep(ChunkCacheKey key, byte[]? data)
    {
        var size = (data?.LongLength ?? 0) + EntryOverheadBytes;
        if (size > MaxBytes || _entries.ContainsKey(key))
        {
            return;
        }

        var evicted = 0L;
        var released = 0L;
        while (_sizeBytes + size > MaxBytes && _recency.Last is { } oldest)
        {
            _recency.RemoveLast();
            _entries.Remove(oldest.Value.Key);
            _sizeBytes -= oldest.Value.Size;
            released += oldest.Value.Size;
            evicted++;
        }

        _entries.Add(key, _recency.AddFirst(new Entry(key, data, size)));
        _sizeBytes += size;
        _peakSizeBytes = Math.Max(_peakSizeBytes, _sizeBytes);
        if (evicted > 0)
        {
            Interlocked.Add(ref _evictions, evicted);
            _metrics.CacheEvicted(evicted);
        }

        _metrics.CacheSizeChanged(size - released);
    }

    private sealed record Entry(ChunkCacheKey Key, byte[]? Data, long Size);
}
