using System.Collections.Concurrent;
using Connectomics.Chunks;

namespace Connectomics.Pipelines.Tests.Doubles;

/// <summary>A quarantine in memory, keyed by run, shard, unit and chunk offset; a write replaces the same key's.</summary>
public sealed class MemoryQuarantine : IRecordQuarantine
{
    public ConcurrentDictionary<(string RunId, string Shard, string Unit, long Offset), IReadOnlyList<RejectedRecord>> Chunks { get; } = new();

    public string Location => "memory://quarantine";

    public IEnumerable<RejectedRecord> Records => Chunks.OrderBy(c => c.Key.Unit, StringComparer.Ordinal).ThenBy(c => c.Key.Offset).SelectMany(c => c.Value);

    public ValueTask WriteAsync(string runId, ShardAssignment shard, WorkUnit unit, long chunkOffset, IReadOnlyList<RejectedRecord> records, CancellationToken cancellationToken = default)
    {
        Assert.NotEmpty(records);
        Chunks[(runId, shard.ToString(), unit.Key, chunkOffset)] = records.ToArray();
        return ValueTask.CompletedTask;
    }
}
