using System.Threading.Channels;
using Connectomics.Chunks;

namespace Connectomics.Pipelines.Engine;

/// <summary>
/// The read stage: one task first reads each record of the resume point's retry list alone, then the plan's remaining
/// units in order, chunk by chunk; it checks each record's id (none, or a repeat of an earlier id of the shard, unless
/// the source's ids are unique), counts the rows each record makes, and hands the chunks on. The caller's cancellation
/// stops it between chunks; the chunks already handed on still go through.
/// </summary>
/// <typeparam name="TRecord">The record type.</typeparam>
internal sealed class ReadStage<TRecord>
{
    private readonly RunContext<TRecord> _run;
    private readonly SeenIds _seen = new();
    private readonly bool _uniqueIds;

    public ReadStage(RunContext<TRecord> run)
    {
        _run = run;
        _uniqueIds = run.Pipeline.Source.Descriptor.UniqueIds;
    }

    /// <summary>Gets a value indicating whether the caller's cancellation stopped the reading before its end.</summary>
    public bool Stopped { get; private set; }

    /// <summary>
    /// Meets the ids of the part of the plan before <paramref name="position"/> again, by reading it back from the
    /// source (ids only; the records are not prepared or encoded), so that a resumed run finds the same repeated ids as
    /// an uninterrupted one. Costs one more pass over the input already done, at the source's reading speed.
    /// </summary>
    /// <param name="position">Where the shard stands.</param>
    /// <param name="retry">The records before <paramref name="position"/> that are not done: their ids are met when
    /// they are read again, first thing in <see cref="RunAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The records read.</returns>
    public async Task<long> RebuildSeenIdsAsync(WorkPosition position, IReadOnlyCollection<WorkPosition> retry, CancellationToken cancellationToken)
    {
        var pending = retry.ToHashSet();
        long records = 0;
        var source = _run.Pipeline.Source;
        foreach (var unit in _run.Plan.Units)
        {
            var whole = position.IsDone || !string.Equals(unit.Key, position.UnitKey, StringComparison.Ordinal);
            if (!whole && position.Offset == 0)
            {
                break;
            }

            await foreach (var chunk in source.ReadAsync(unit, 0, _run.Options.ChunkSize, cancellationToken).ConfigureAwait(false))
            {
                if (!whole && chunk.Next > position.Offset)
                {
                    throw new InvalidOperationException(
                        $"The chunk at {chunk.Offset} of unit '{unit.Key}' runs past the resume position {position}: the source does not chunk the unit as it did when the position was committed.");
                }

                var places = ChunkInFlight<TRecord>.PlacesOf(chunk);
                for (var i = 0; i < places.Length; i++)
                {
                    if (_run.Pipeline.Rows.GetId(chunk.Records[i]) is { Length: > 0 } id && !pending.Contains(WorkPosition.Within(unit.Key, places[i])))
                    {
                        _seen.Add(id);
                    }
                }

                records += chunk.Count;
                if (chunk.EndOfUnit || (!whole && chunk.Next == position.Offset))
                {
                    break;
                }
            }

            if (!whole)
            {
                break;
            }
        }

        return records;
    }

    /// <summary>
    /// Reads each record of <paramref name="retry"/> alone, then from <paramref name="position"/> to the end of the
    /// plan, or until <paramref name="stop"/> is cancelled.
    /// </summary>
    public async Task RunAsync(WorkPosition position, IReadOnlyList<WorkPosition> retry, ChannelWriter<ChunkInFlight<TRecord>> output, SemaphoreSlim window, CancellationToken stop)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stop, _run.Failure.Token);
        var token = cancellation.Token;
        try
        {
            long sequence = 0;
            foreach (var again in retry)
            {
                var chunk = await ReadAloneAsync(again, token).ConfigureAwait(false);
                await window.WaitAsync(token).ConfigureAwait(false);
                var item = new ChunkInFlight<TRecord>(sequence++, chunk, position, again);
                Check(item);
                _run.Telemetry.RecordsRead.Add(chunk.Count, _run.Tags);
                PipelineFaults.Reach(PipelineFaults.ChunkRead);
                await output.WriteAsync(item, token).ConfigureAwait(false);
            }

            foreach (var (unit, offset) in _run.Plan.Remaining(position))
            {
                var expected = offset;
                var ended = false;
                await foreach (var chunk in _run.Pipeline.Source.ReadAsync(unit, offset, _run.Options.ChunkSize, token).ConfigureAwait(false))
                {
                    if (!string.Equals(chunk.Unit.Key, unit.Key, StringComparison.Ordinal) || chunk.Offset != expected)
                    {
                        throw new InvalidOperationException(
                            $"The source gave a chunk of unit '{chunk.Unit.Key}' at {chunk.Offset} where unit '{unit.Key}' at {expected} was due.");
                    }

                    expected = chunk.Next;
                    await window.WaitAsync(token).ConfigureAwait(false);
                    var item = new ChunkInFlight<TRecord>(sequence++, chunk, chunk.EndOfUnit ? _run.Plan.After(unit) : WorkPosition.Within(unit.Key, chunk.Next));
                    Check(item);
                    _run.Telemetry.RecordsRead.Add(chunk.Count, _run.Tags);
                    PipelineFaults.Reach(PipelineFaults.ChunkRead);
                    await output.WriteAsync(item, token).ConfigureAwait(false);
                    if (chunk.EndOfUnit)
                    {
                        ended = true;
                        break;
                    }
                }

                if (!ended)
                {
                    throw new InvalidOperationException($"The source stopped reading unit '{unit.Key}' at {expected} without a chunk that ends it.");
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !_run.Failure.Token.IsCancellationRequested)
        {
            // Cancelled by the caller: stop reading; what was handed on is finished and committed.
            Stopped = true;
        }
        finally
        {
            output.TryComplete();
        }
    }

    /// <summary>Reads the record at <paramref name="position"/> alone: the first chunk of one record from its offset.</summary>
    private async Task<RecordChunk<TRecord>> ReadAloneAsync(WorkPosition position, CancellationToken token)
    {
        var unit = _run.Plan.Remaining(position)[0].Unit;
        var chunks = _run.Pipeline.Source.ReadAsync(unit, position.Offset, 1, token).ConfigureAwait(false);
        await using var reading = chunks.GetAsyncEnumerator();
        if (!await reading.MoveNextAsync())
        {
            throw new InvalidOperationException($"The source gave no chunk for the record {position} to try again.");
        }

        var chunk = reading.Current;
        if (!string.Equals(chunk.Unit.Key, unit.Key, StringComparison.Ordinal) || chunk.Offset != position.Offset || chunk.Count != 1)
        {
            throw new InvalidOperationException(
                $"The source gave {chunk.Count} record(s) of unit '{chunk.Unit.Key}' at {chunk.Offset} where the record {position} was due alone, to try again.");
        }

        return chunk;
    }

    private void Check(ChunkInFlight<TRecord> item)
    {
        var records = item.Chunk.Records;
        var multiRows = _run.MultiRows;
        for (var i = 0; i < records.Count; i++)
        {
            var id = _run.Pipeline.Rows.GetId(records[i]);
            if (string.IsNullOrEmpty(id))
            {
                item.Bad[i] = (BadRecordKind.MissingId, "The record has no id.");
                continue;
            }

            item.Ids[i] = id;
            if (!_uniqueIds && !_seen.Add(id))
            {
                item.Bad[i] = (BadRecordKind.DuplicateId, $"The id '{id}' repeats the id of an earlier record of shard {_run.ShardText}.");
                continue;
            }

            var rows = multiRows?.GetRowCount(records[i]) ?? 1;
            if (rows < 0)
            {
                throw new InvalidOperationException($"The rows object gave {rows} rows for record '{id}' of unit '{item.Chunk.Unit.Key}' at {item.Offsets[i]}; a record makes 0 or more rows.");
            }

            item.RowCounts[i] = rows;
        }
    }
}
