using System.Runtime.CompilerServices;
using Connectomics.Chunks;
using Connectomics.Sequences;
using Connectomics.Stores;

namespace Connectomics.Pipelines.Tests.Doubles;

/// <summary>
/// A chunk source over lists of records, one list per unit. A record whose sequence is <see cref="Unreadable"/> is
/// rejected by the source itself (as a malformed line would be).
/// </summary>
public sealed class MemoryChunkSource : IChunkSource<SequenceRecord>
{
    public const string Unreadable = "<unreadable>";

    private readonly IReadOnlyList<(WorkUnit Unit, IReadOnlyList<SequenceRecord> Records)> _units;
    private int _chunksYielded;

    public MemoryChunkSource(IEnumerable<IReadOnlyList<SequenceRecord>> units, IReadOnlyList<RecordColumn>? columns = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        _units = units.Select((records, i) => (new WorkUnit($"unit-{i:D2}.txt", i, new WorkUnitCost(records.Count * 100L, records.Count)), records)).ToList();
        Descriptor = new SourceDescriptor("memory", columns ?? [], settings ?? new Dictionary<string, string> { ["id"] = "name" });
    }

    public SourceDescriptor Descriptor { get; }

    public FailurePoint ReadFailure { get; } = new("source read");

    /// <summary>Called with the source's chunk count each time it yields a chunk.</summary>
    public Action<int>? OnChunk { get; set; }

    public int ChunksYielded => Volatile.Read(ref _chunksYielded);

    /// <summary>What <see cref="Locate"/> does; null leaves the record as it is, as the interface's default does.</summary>
    public Func<RejectedRecord, RecordField, RejectedRecord>? Locator { get; set; }

    public RejectedRecord Locate(RejectedRecord record, RecordField field) => Locator is null ? record : Locator(record, field);

    public IEnumerable<SequenceRecord> AllRecords => _units.SelectMany(u => u.Records);

    public ValueTask<IReadOnlyList<WorkUnit>> ListUnitsAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<WorkUnit>>(_units.Select(u => u.Unit).ToList());

    public async IAsyncEnumerable<RecordChunk<SequenceRecord>> ReadAsync(WorkUnit unit, long offset, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var records = _units.Single(u => u.Unit.Key == unit.Key).Records;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, records.Count);
        if (offset == records.Count)
        {
            yield return new RecordChunk<SequenceRecord>(unit, offset, 0, [], [], true);
            yield break;
        }

        for (var start = (int)offset; start < records.Count; start += chunkSize)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            ReadFailure.Hit();
            var count = Math.Min(chunkSize, records.Count - start);
            var good = new List<SequenceRecord>();
            var rejected = new List<RejectedRecord>();
            for (var i = start; i < start + count; i++)
            {
                if (records[i].Sequence == Unreadable)
                {
                    rejected.Add(new RejectedRecord(unit.Key, i, records[i].Id, "The line is not a record.") { File = unit.Key, Row = i + 1, Column = "sequence" });
                }
                else
                {
                    good.Add(records[i]);
                }
            }

            OnChunk?.Invoke(Interlocked.Increment(ref _chunksYielded));
            yield return new RecordChunk<SequenceRecord>(unit, start, count, good, rejected, start + count == records.Count);
        }
    }
}
