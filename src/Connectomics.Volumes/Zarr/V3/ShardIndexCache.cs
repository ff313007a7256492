namespace Connectomics.Volumes.Zarr.V3;

/// <summary>
/// The decoded indexes of recently read shards, least recently used dropped first, bounded by count. Concurrent
/// requests for one shard share one read (the entry holds the read's task); a failed read is not kept.
/// </summary>
internal sealed class ShardIndexCache
{
    private readonly int _capacity;
    private readonly Dictionary<string, LinkedListNode<(string Key, Task<ShardIndex?> Index)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, Task<ShardIndex?> Index)> _order = new();
    private readonly Lock _lock = new();

    public ShardIndexCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
    }

    /// <summary>Gets the number of indexes held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Gets the index of <paramref name="shardKey"/>, reading it with <paramref name="read"/> when not held.</summary>
    public async Task<ShardIndex?> GetOrReadAsync(string shardKey, Func<string, Task<ShardIndex?>> read, CancellationToken cancellationToken)
    {
        Task<ShardIndex?> task;
        Task<Task<ShardIndex?>>? starter = null;
        lock (_lock)
        {
            if (_entries.TryGetValue(shardKey, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                task = node.Value.Index;
            }
            else
            {
                // Started outside the lock, so a slow store never holds it.
                starter = new Task<Task<ShardIndex?>>(() => read(shardKey));
                task = starter.Unwrap();
                node = _order.AddFirst((shardKey, task));
                _entries[shardKey] = node;
                while (_entries.Count > _capacity)
                {
                    var last = _order.Last!;
                    _order.RemoveLast();
                    _entries.Remove(last.Value.Key);
                }
            }
        }

        starter?.RunSynchronously(TaskScheduler.Default);
        try
        {
            return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (task.IsFaulted || task.IsCanceled)
        {
            Remove(shardKey, task);
            throw;
        }
    }

    /// <summary>Forgets the index of a shard (after the shard is rewritten).</summary>
    public void Remove(string shardKey)
    {
        lock (_lock)
        {
            if (_entries.Remove(shardKey, out var node))
            {
                _order.Remove(node);
            }
        }
    }

    private void Remove(string shardKey, Task<ShardIndex?> task)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(shardKey, out var node) && ReferenceEquals(node.Value.Index, task))
            {
                _entries.Remove(shardKey);
                _order.Remove(node);
            }
        }
    }
}
