namespace Connectomics.Chunks;

/// <summary>
/// Streams records in work units: lists the units of its input, and reads one unit from a position in chunks. A
/// pipeline plans a shard's units (<see cref="WorkPlan"/>), reads them, and records where it stands as a
/// <see cref="WorkPosition"/>; reading a unit again from the same offset with the same chunk size yields the same
/// chunks, which is what lets a resumed run reproduce an uninterrupted one exactly.
/// </summary>
/// <typeparam name="TRecord">The record type (a sequence read, a 3-D block).</typeparam>
public interface IChunkSource<TRecord>
{
    /// <summary>Gets what the source reads and how.</summary>
    SourceDescriptor Descriptor { get; }

    /// <summary>Lists every work unit of the input, in a deterministic order (the ordinals).</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The units.</returns>
    ValueTask<IReadOnlyList<WorkUnit>> ListUnitsAsync(CancellationToken cancellationToken = default);

    /// <summary>Plans a shard's part of the input: <see cref="WorkPlan.Create"/> over <see cref="ListUnitsAsync"/>.</summary>
    /// <param name="shard">The shard.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The shard's plan.</returns>
    async ValueTask<WorkPlan> PlanAsync(ShardAssignment shard, CancellationToken cancellationToken = default) =>
        WorkPlan.Create(await ListUnitsAsync(cancellationToken).ConfigureAwait(false), shard);

    /// <summary>
    /// Reads <paramref name="unit"/> from <paramref name="offset"/> on, in chunks of <paramref name="chunkSize"/>
    /// records (yielded and rejected together; the unit's last chunk may be smaller).
    /// </summary>
    /// <param name="unit">A unit this source listed.</param>
    /// <param name="offset">The records of the unit to skip.</param>
    /// <param name="chunkSize">The records per chunk.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>
    /// The chunks, the last with <see cref="RecordChunk{TRecord}.EndOfUnit"/> set; a unit with nothing left from
    /// <paramref name="offset"/> yields one empty chunk that ends it.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="offset"/> is past the unit's end.</exception>
    IAsyncEnumerable<RecordChunk<TRecord>> ReadAsync(WorkUnit unit, long offset, int chunkSize, CancellationToken cancellationToken = default);

    /// <summary>
    /// Says where a record that a pipeline rejected lies in the input: its file, row and the column of
    /// <paramref name="field"/>, from the unit key and offset the pipeline knows it by.
    /// </summary>
    /// <param name="record">The rejected record, with <see cref="RejectedRecord.UnitKey"/> and
    /// <see cref="RejectedRecord.Offset"/> of a record this source read.</param>
    /// <param name="field">The part of the record at fault.</param>
    /// <returns><paramref name="record"/> with <see cref="RejectedRecord.File"/>, <see cref="RejectedRecord.Row"/> and
    /// <see cref="RejectedRecord.Column"/> set where the source knows them; by default, <paramref name="record"/> as
    /// it is. Never throws for a unit the source does not know: the record is returned unchanged.</returns>
    RejectedRecord Locate(RejectedRecord record, RecordField field) => record;
}
