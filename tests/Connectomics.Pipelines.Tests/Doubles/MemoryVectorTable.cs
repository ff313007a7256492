using System.Collections.Immutable;
using Connectomics.Chunks;
using Connectomics.Stores;

namespace Connectomics.Pipelines.Tests.Doubles;

/// <summary>A table of <see cref="MemoryVectorStore"/>: a list of versions, each complete.</summary>
public sealed class MemoryVectorTable : IVectorTable
{
    private readonly Lock _lock = new();
    private readonly List<TableVersion> _versions;

    internal MemoryVectorTable(MemoryVectorStore store, VectorTableDefinition definition)
    {
        Store = store;
        Definition = definition;
        _versions = [new TableVersion(1, [], null, Replaced: true)];
    }

    public MemoryVectorStore Store { get; }

    public VectorTableDefinition Definition { get; }

    public TableVersion Latest
    {
        get
        {
            lock (_lock)
            {
                return _versions[^1];
            }
        }
    }

    public IReadOnlyList<TableVersion> Versions
    {
        get
        {
            lock (_lock)
            {
                return _versions.ToArray();
            }
        }
    }

    public ulong Version => Latest.Number;

    public long RowCount => Latest.Rows.Count;

    public Task<CommitRecord?> FindLastCommitAsync(string runId, ShardAssignment shard, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            for (var i = _versions.Count - 1; i >= 0; i--)
            {
                var version = _versions[i];
                if (version.Tag is { } tag && tag.RunId == runId && tag.Shard == shard)
                {
                    return Task.FromResult<CommitRecord?>(new CommitRecord(version.Number, tag, null));
                }

                if (version.Replaced)
                {
                    break;
                }
            }

            return Task.FromResult<CommitRecord?>(null);
        }
    }

    public Task<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> vector, int limit, VectorMetric metric = VectorMetric.L2, CancellationToken cancellationToken = default)
    {
        var query = vector.ToArray();
        var matches = Latest.Rows
            .Select(r => new VectorMatch(r.Id, r.Vector.Zip(query, (a, b) => (a - b) * (a - b)).Sum(), new Dictionary<string, object?>()))
            .OrderBy(m => m.Distance)
            .Take(limit)
            .ToList();
        return Task.FromResult<IReadOnlyList<VectorMatch>>(matches);
    }

    public Task<IVectorTableWriter> OpenWriterAsync(string runId, ShardAssignment shard, CancellationToken cancellationToken = default) =>
        Task.FromResult<IVectorTableWriter>(new MemoryTableWriter(this, runId, shard));

    internal ulong Publish(IReadOnlyList<StoredRow> rows, CommitTag tag, bool replace)
    {
        lock (_lock)
        {
            var latest = _versions[^1];
            var next = new TableVersion(latest.Number + 1, replace ? [.. rows] : latest.Rows.AddRange(rows), tag, replace);
            _versions.Add(next);
            return next.Number;
        }
    }
}
