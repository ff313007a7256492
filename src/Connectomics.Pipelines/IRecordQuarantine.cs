using Connectomics.Chunks;

namespace Connectomics.Pipelines;

/// <summary>
/// Where a pipeline puts the records it rejects under <see cref="BadRecordPolicy.Quarantine"/>. Writes are keyed by
/// run, shard, unit and chunk offset and replace what an earlier attempt wrote under the same key, so a chunk done
/// again after a crash leaves its rejected records once.
/// </summary>
public interface IRecordQuarantine
{
    /// <summary>Gets where the quarantine is, for the run summary.</summary>
    string Location { get; }

    /// <summary>Writes a chunk's rejected records, replacing any earlier write of the same chunk; durable when it returns.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="shard">The shard.</param>
    /// <param name="unit">The unit the chunk belongs to.</param>
    /// <param name="chunkOffset">The chunk's offset in the unit.</param>
    /// <param name="records">The rejected records, at least one.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the records are on storage.</returns>
    ValueTask WriteAsync(string runId, ShardAssignment shard, WorkUnit unit, long chunkOffset, IReadOnlyList<RejectedRecord> records, CancellationToken cancellationToken = default);
}
