using System.Threading.Channels;
using Connectomics.Chunks;

namespace Connectomics.Pipelines.Engine;

/// <summary>
/// The read stage: one task reads the plan's remaining units in order, chunk by chunk, checks each record's id (none,
/// or a repeat of an earlier id of the shard) and hands the chunks on. The caller's cancellation stops it between
/// chunks; the chunks already handed on still go through.
/// </summary>
/// <typeparam name="TRecord">The record type.</typeparam>
internal sealed class ReadStage<TRecord>
{
    private readonly RunContext<TRecord> _run;
    private readonly SeenIds _seen = new();

    public ReadStage(RunContext<TRecord> run) => _run = run;

    /// <summary>
    /// Meets the ids of the part of the plan before <paramref name="position"/> again, by reading it back from the
    /// source (ids only; the records are not prepared or encoded), so that a resumed run finds the same repeated ids as
    /// an uninterrupted one. Costs one more pass over the input already done, at the source's reading speed.
    /// </summary>
    /// <returns>The records read.</returns>
    public async Task<long> RebuildSeenIdsAsync(WorkPosition position, CancellationToken cancellationToken)
    {
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

                foreach (var record in chunk.Records)
                {
                    if (_run.Pipeline.Rows.GetId(record) is { Length: > 0 } id)
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

    /// <summary>Reads from <paramref name="position"/> to the end of the plan, or until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(WorkPosition position, ChannelWriter<ChunkInFlight<TRecord>> output, SemaphoreSlim window, CancellationToken stop)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(stop, _run.Failure.Token);
        var token = cancellation.Token;
        try
        {
            long sequence = 0;
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
                    CheckIds(item);
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
        }
        finally
        {
            output.TryComplete();
        }
    }

    private void CheckIds(ChunkInFlight<TRecord> item)
    {
        var records = item.Chunk.Records;
        for (var i = 0; i < records.Count; i++)
        {
            var id = _run.Pipeline.Rows.GetId(records[i]);
            if (string.IsNullOrEmpty(id))
            {
                item.Bad[i] = (BadRecordKind.MissingId, "The record has no id.");
            }
            else
            {
                item.Ids[i] = id;
                if (!_seen.Add(id))
                {
                    item.Bad[i] = (BadRecordKind.DuplicateId, $"The id '{id}' repeats the id of an earlier record of shard {_run.ShardText}.");
                }
            }
        }
    }
}
