using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Connectomics.Chunks;
using Connectomics.Stores;

namespace Connectomics.Pipelines.Engine;

/// <summary>
/// The write stage: one task puts the chunks back in read order (a reorder buffer keyed by chunk sequence), deals
/// with each chunk's bad records (quarantine, or fail before anything of the chunk is committed), writes its rows and
/// commits them with the position they bring the shard to, when the commit policy says so and at the end.
/// </summary>
/// <typeparam name="TRecord">The record type.</typeparam>
internal sealed class WriteStage<TRecord>
{
    private readonly RunContext<TRecord> _run;
    private readonly IVectorTableWriter _writer;
    private readonly CommitPolicy _policy;
    private readonly ProgressReporter _progress;
    private readonly Dictionary<long, ChunkInFlight<TRecord>> _reorder = [];
    private WorkPosition? _committed;
    private long _pendingRows;
    private int _waiting;

    public WriteStage(RunContext<TRecord> run, IVectorTableWriter writer, ProgressReporter progress, WorkPosition position, bool positionCommitted)
    {
        _run = run;
        _writer = writer;
        _progress = progress;
        _policy = new CommitPolicy(run.Options.CheckpointRows, run.Options.CheckpointInterval, run.Pipeline.TimeProvider);
        Position = position;
        _committed = positionCommitted ? position : null;
    }

    /// <summary>Gets where the shard stands after the last chunk written.</summary>
    public WorkPosition Position { get; private set; }

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

        if (!Equals(_committed, Position) || _pendingRows > 0)
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

            await _run.Pipeline.Quarantine!.WriteAsync(_run.RunId, _run.Shard, chunk.Unit, chunk.Offset, bad.Select(b => b.Record).ToArray(), token).ConfigureAwait(false);
            PipelineFaults.Reach(PipelineFaults.QuarantineWritten);
        }

        var good = item.Good().ToList();
        if (good.Count > 0)
        {
            await _writer.WriteAsync(Batch(item, good), token).ConfigureAwait(false);
            _pendingRows += good.Count;
            PipelineFaults.Reach(PipelineFaults.ChunkWritten);
        }

        _run.Counters.ChunkWritten(chunk.Count, bad.Count, item.Units, item.UnknownUnits);
        Position = item.PositionAfter;
        if (_policy.IsDue(_pendingRows))
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
        _committed = Position;
        _policy.Committed();
        _progress.Report();
    }

    private VectorBatch Batch(ChunkInFlight<TRecord> item, List<int> good)
    {
        var dimension = _run.Identity.Definition.Dimension;
        var columns = _run.Identity.Definition.Columns;
        var rows = _run.Pipeline.Rows;
        var ids = new string[good.Count];
        var values = new object?[columns.Count][];
        for (var c = 0; c < columns.Count; c++)
        {
            values[c] = new object?[good.Count];
        }

        var vectors = new float[good.Count * dimension];
        for (var r = 0; r < good.Count; r++)
        {
            var i = good[r];
            var record = item.Chunk.Records[i];
            ids[r] = item.Ids[i]!;
            for (var c = 0; c < columns.Count; c++)
            {
                values[c][r] = rows.GetValue(record, columns[c]);
            }

            item.Vectors[i].Span.CopyTo(vectors.AsSpan(r * dimension, dimension));
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
