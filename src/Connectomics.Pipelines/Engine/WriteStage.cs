using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Connectomics.Chunks;
using Connectomics.Stores;

namespace Connectomics.Pipelines.Engine;

/// <summary>
/// The write stage: one task puts the chunks back in read order (a reorder buffer keyed by chunk sequence), deals
/// with each chunk's bad records (quarantine, or fail before anything of the chunk is committed), writes its rows (a
/// record's several rows when the rows object is <see cref="IMultiRowRecords{TRecord}"/>) and commits them with the
/// position they bring the shard to and the records before it still to try again, when the commit policy says so and
/// at the end.
/// </summary>
/// <typeparam name="TRecord">The record type.</typeparam>
internal sealed class WriteStage<TRecord>
{
    private readonly RunContext<TRecord> _run;
    private readonly IVectorTableWriter _writer;
    private readonly CommitPolicy _policy;
    private readonly ProgressReporter _progress;
    private readonly Dictionary<long, ChunkInFlight<TRecord>> _reorder = [];
    private readonly List<WorkPosition> _retry;
    private WorkPosition? _committed;
    private bool _retryChanged;
    private long _pendingRows;
    private long _pendingRecords;
    private int _waiting;

    public WriteStage(RunContext<TRecord> run, IVectorTableWriter writer, ProgressReporter progress, ResumePoint start)
    {
        _run = run;
        _writer = writer;
        _progress = progress;
        _policy = new CommitPolicy(run.Options.CheckpointRows, run.Options.CheckpointRecords, run.Options.CheckpointInterval, run.Pipeline.TimeProvider);
        Position = start.Position;
        _committed = start.Committed ? start.Position : null;
        _retry = [.. start.Retry];
    }

    /// <summary>Gets where the shard stands after the last chunk written.</summary>
    public WorkPosition Position { get; private set; }

    /// <summary>Gets the records before <see cref="Position"/> still to try again, in plan order.</summary>
    public IReadOnlyList<WorkPosition> Retry => _retry;

    /// <summary>Gets the chunks waiting in the reorder buffer for an earlier one.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public async Task RunAsync(ChannelReader<ChunkInFlight<TRecord>> input, SemaphoreSlim window)
    {
        var token = _run.Failure.Token;
        long next = 0;
        await foreach (var item in input.ReadAllAsync(token).ConfigureAwait(false))
        {
            _reorder[item.Sequence] = item;
            while (_reorder.Remove(next, out var ready))
            {
                await WriteAsync(ready, token).ConfigureAwait(false);
                next++;
                window.Release();
            }

            Volatile.Write(ref _waiting, _reorder.Count);
        }

        if (_reorder.Count > 0)
        {
            // Only a failed stage leaves a gap; its failure is the one to report.
            token.ThrowIfCancellationRequested();
            throw new InvalidOperationException($"Chunk {next} never reached the write stage.");
        }

        if (!Equals(_committed, Position) || _pendingRows > 0 || _retryChanged)
        {
            await CommitAsync(token).ConfigureAwait(false);
        }
    }

    private async Task WriteAsync(ChunkInFlight<TRecord> item, CancellationToken token)
    {
        var chunk = item.Chunk;
        var bad = BadRecords(item);
        if (bad.Count > 0)
        {
            foreach (var (record, kind) in bad)
            {
                _run.Telemetry.BadRecords.Add(1, [.. _run.Tags, new("reason", kind.Name())]);
                Log.BadRecord(_run.Logger, _run.RunId, _run.ShardText, kind.Name(), Where(record), record.Reason);
            }

            if (_run.Options.BadRecords == BadRecordPolicy.Fail)
            {
                var (first, _) = bad[0];
                throw new BadRecordException(
                    $"Bad record {Where(first)}: {first.Reason} (bad records fail the run; OnBadRecords(BadRecordPolicy.Quarantine, …) sets them aside instead).",
                    first.File, first.Row, first.Column, first.RecordId);
            }

            var quarantine = _run.Pipeline.Quarantine!;
            if (_run.RetriesQuarantined)
            {
                // Each record under its own offset, so that its retry replaces exactly its entry.
                foreach (var (record, _) in bad)
                {
                    await quarantine.WriteAsync(_run.RunId, _run.Shard, chunk.Unit, record.Offset, [record], token).ConfigureAwait(false);
                }
            }
            else
            {
                await quarantine.WriteAsync(_run.RunId, _run.Shard, chunk.Unit, chunk.Offset, bad.Select(b => b.Record).ToArray(), token).ConfigureAwait(false);
            }

            PipelineFaults.Reach(PipelineFaults.QuarantineWritten);
        }

        var good = item.Good().ToList();
        var rows = good.Sum(i => (long)item.RowCounts[i]);
        if (rows > 0)
        {
            await _writer.WriteAsync(Batch(item, good, rows), token).ConfigureAwait(false);
            _pendingRows += rows;
            PipelineFaults.Reach(PipelineFaults.ChunkWritten);
        }

        var withoutRows = good.Count(i => item.RowCounts[i] == 0);
        if (item.Retry is { } retried)
        {
            // A record of the retry list, read alone: done now when it is good; otherwise it stays on the list.
            var succeeded = bad.Count == 0;
            if (succeeded)
            {
                _retry.Remove(retried);
                _retryChanged = true;
            }

            _run.Counters.RecordRetried(succeeded, succeeded && withoutRows > 0, item.Units, item.UnknownUnits);
        }
        else
        {
            if (_run.RetriesQuarantined && bad.Count > 0)
            {
                _retry.AddRange(bad.Select(b => WorkPosition.Within(chunk.Unit.Key, b.Record.Offset)));
                _retryChanged = true;
            }

            _run.Counters.ChunkWritten(chunk.Count, bad.Count, withoutRows, item.Units, item.UnknownUnits);
        }

        _pendingRecords += chunk.Count;
        Position = item.PositionAfter;
        if (_policy.IsDue(_pendingRows, _pendingRecords))
        {
            await CommitAsync(token).ConfigureAwait(false);
        }
    }

    private async Task CommitAsync(CancellationToken token)
    {
        var counters = _run.Counters;
        var tag = new CommitTag(_run.RunId, _run.Shard, Position)
        {
            Properties = _run.Identity.Properties,
            RecordsRead = counters.RecordsDone,
            RowsWritten = counters.RowsCommitted + _pendingRows,
            RecordsRejected = counters.RecordsRejected,
            Retry = [.. _retry],
        };
        var time = _run.Pipeline.TimeProvider;
        var started = time.GetTimestamp();
        PipelineFaults.Reach(PipelineFaults.BeforeCommit);
        var version = await _writer.CommitAsync(tag, token).ConfigureAwait(false);
        PipelineFaults.Reach(PipelineFaults.AfterCommit);
        _run.Telemetry.CommitDuration.Record(time.GetElapsedTime(started).TotalSeconds, _run.Tags);
        _run.Telemetry.Commits.Add(1, _run.Tags);
        _run.Telemetry.Rows.Add(_pendingRows, _run.Tags);
        counters.Committed(_pendingRows, version);
        Log.Committed(_run.Logger, _run.RunId, _run.ShardText, _pendingRows, version, Position.ToString(), counters.RowsCommitted);
        _pendingRows = 0;
        _pendingRecords = 0;
        _retryChanged = false;
        _committed = Position;
        _policy.Committed();
        _progress.Report();
    }

    private VectorBatch Batch(ChunkInFlight<TRecord> item, List<int> good, long rowCount)
    {
        var dimension = _run.Identity.Definition.Dimension;
        if (rowCount * dimension > Array.MaxLength)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The chunk at {item.Chunk.Offset} of unit '{item.Chunk.Unit.Key}' makes {rowCount} rows of dimension {dimension}, more than one batch holds; use smaller chunks."));
        }

        var columns = _run.Identity.Definition.Columns;
        var rows = _run.Pipeline.Rows;
        var multi = _run.MultiRows;
        var count = (int)rowCount;
        var ids = new string[count];
        var values = new object?[columns.Count][];
        for (var c = 0; c < columns.Count; c++)
        {
            values[c] = new object?[count];
        }

        var vectors = new float[count * dimension];
        var r = 0;
        foreach (var i in good)
        {
            var record = item.Chunk.Records[i];
            var vector = item.Vectors[i].Span;
            if (multi is null)
            {
                ids[r] = item.Ids[i]!;
                for (var c = 0; c < columns.Count; c++)
                {
                    values[c][r] = rows.GetValue(record, columns[c]);
                }

                vector.CopyTo(vectors.AsSpan(r * dimension, dimension));
                r++;
                continue;
            }

            for (var row = 0; row < item.RowCounts[i]; row++, r++)
            {
                ids[r] = multi.GetRowId(record, row);
                for (var c = 0; c < columns.Count; c++)
                {
                    values[c][r] = multi.GetRowValue(record, row, columns[c]);
                }

                vector.Slice(row * dimension, dimension).CopyTo(vectors.AsSpan(r * dimension, dimension));
            }
        }

        return new VectorBatch(ids, values, vectors, dimension);
    }

    private List<(RejectedRecord Record, BadRecordKind Kind)> BadRecords(ChunkInFlight<TRecord> item)
    {
        var bad = item.Chunk.Rejected.Select(r => (r, BadRecordKind.Source)).ToList();
        for (var i = 0; i < item.Bad.Length; i++)
        {
            if (item.Bad[i] is var (kind, reason))
            {
                // The engine knows the record by unit and offset; the source says which file, row and column that is.
                var field = kind is BadRecordKind.MissingId or BadRecordKind.DuplicateId ? RecordField.Id : RecordField.Content;
                var rejected = _run.Pipeline.Source.Locate(new RejectedRecord(item.Chunk.Unit.Key, item.Offsets[i], item.Ids[i], reason), field);
                bad.Add((rejected, kind));
            }
        }

        bad.Sort((a, b) => a.Item1.Offset.CompareTo(b.Item1.Offset));
        return bad;
    }

    private static string Where(RejectedRecord record)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"in unit '{record.UnitKey}' at record {record.Offset}");
        if (record.File is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $", file '{record.File}'");
        }

        if (record.Row is { } row)
        {
            text.Append(CultureInfo.InvariantCulture, $", row {row}");
        }

        if (record.Column is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $", column '{record.Column}'");
        }

        if (record.RecordId is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" (id '{record.RecordId}')");
        }

        return text.ToString();
    }
}
