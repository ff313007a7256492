using Connectomics.Chunks;
using Connectomics.Stores;

namespace Connectomics.Pipelines.Tests.Doubles;

/// <summary>A writer of <see cref="MemoryVectorTable"/>: rows wait in a list (and count as files) until a commit publishes them with the tag.</summary>
public sealed class MemoryTableWriter : IVectorTableWriter
{
    private readonly MemoryVectorTable _table;
    private readonly string _runId;
    private readonly ShardAssignment _shard;
    private readonly List<StoredRow> _pending = [];
    private readonly List<Guid> _files = [];

    internal MemoryTableWriter(MemoryVectorTable table, string runId, ShardAssignment shard)
    {
        _table = table;
        _runId = runId;
        _shard = shard;
    }

    public long PendingRows => _pending.Count;

    private MemoryVectorStore Store => _table.Store;

    public Task<int> RemoveUncommittedAsync(CancellationToken cancellationToken = default)
    {
        var mine = Store.UncommittedFiles.Where(f => f.Value == (_runId, _shard.ToString()) && !_files.Contains(f.Key)).Select(f => f.Key).ToList();
        foreach (var file in mine)
        {
            Store.UncommittedFiles.TryRemove(file, out _);
        }

        return Task.FromResult(mine.Count);
    }

    public ValueTask WriteAsync(VectorBatch batch, CancellationToken cancellationToken = default)
    {
        Store.WriteFailure.Hit();
        Store.OnWrite?.Invoke();
        Assert.Equal(_table.Definition.Dimension, batch.Dimension);
        Assert.Equal(_table.Definition.Columns.Count, batch.Columns.Count);
        for (var r = 0; r < batch.Count; r++)
        {
            _pending.Add(new StoredRow(
                batch.Ids[r],
                batch.Columns.Select(c => c[r]).ToArray(),
                batch.Vectors.Slice(r * batch.Dimension, batch.Dimension).ToArray()));
        }

        var file = Guid.NewGuid();
        _files.Add(file);
        Store.UncommittedFiles[file] = (_runId, _shard.ToString());
        Interlocked.Add(ref Store._rowsWritten, batch.Count);
        lock (Store)
        {
            Store.MostPendingRows = Math.Max(Store.MostPendingRows, _pending.Count);
        }

        return ValueTask.CompletedTask;
    }

    public Task<ulong> CommitAsync(CommitTag tag, CancellationToken cancellationToken = default) => PublishAsync(tag, replace: false);

    public Task<ulong> ReplaceAsync(CommitTag tag, CancellationToken cancellationToken = default) => PublishAsync(tag, replace: true);

    public ValueTask DisposeAsync()
    {
        if (!Store.LeaveFilesOnDispose)
        {
            foreach (var file in _files)
            {
                Store.UncommittedFiles.TryRemove(file, out _);
            }
        }

        _pending.Clear();
        _files.Clear();
        return ValueTask.CompletedTask;
    }

    private Task<ulong> PublishAsync(CommitTag tag, bool replace)
    {
        Assert.Equal(_runId, tag.RunId);
        Assert.Equal(_shard, tag.Shard);
        Store.CommitFailure.Hit();
        var version = _table.Publish(_pending.ToArray(), tag, replace);
        foreach (var file in _files)
        {
            Store.UncommittedFiles.TryRemove(file, out _);
        }

        _pending.Clear();
        _files.Clear();
        Store.AfterPublishFailure.Hit();
        return Task.FromResult(version);
    }
}
