using Connectomics.Chunks;
using Connectomics.Embeddings;

namespace Connectomics.Pipelines.Engine;

/// <summary>
/// A chunk on its way through the stages: read (ids checked), prepared, encoded, then written. Each stage fills its
/// part; only one stage holds a chunk at a time, so nothing here is shared between threads at once.
/// </summary>
/// <typeparam name="TRecord">The record type.</typeparam>
internal sealed class ChunkInFlight<TRecord>
{
    /// <summary>Initializes a chunk read in plan order, or a record read again from the retry list.</summary>
    /// <param name="sequence">The chunk's place in the run's read order.</param>
    /// <param name="chunk">The chunk as the source gave it.</param>
    /// <param name="positionAfter">Where the shard stands once the chunk is written.</param>
    /// <param name="retry">The position of the record this chunk tries again, alone; null for a chunk of the plan.</param>
    public ChunkInFlight(long sequence, RecordChunk<TRecord> chunk, WorkPosition positionAfter, WorkPosition? retry = null)
    {
        Sequence = sequence;
        Chunk = chunk;
        PositionAfter = positionAfter;
        Retry = retry;
        var count = chunk.Records.Count;
        Ids = new string?[count];
        Offsets = PlacesOf(chunk);
        Bad = new (BadRecordKind Kind, string Reason)?[count];
        RowCounts = new int[count];
        Prepared = new PreparedInput?[count];
        Vectors = new ReadOnlyMemory<float>[count];
    }

    /// <summary>Gets the chunk's place in the run's read order, from 0.</summary>
    public long Sequence { get; }

    /// <summary>Gets the chunk as the source gave it.</summary>
    public RecordChunk<TRecord> Chunk { get; }

    /// <summary>Gets where the shard stands once this chunk is written.</summary>
    public WorkPosition PositionAfter { get; }

    /// <summary>Gets the position of the record this chunk tries again (alone), or null for a chunk of the plan.</summary>
    public WorkPosition? Retry { get; }

    /// <summary>Gets each usable record's id (null when it has none).</summary>
    public string?[] Ids { get; }

    /// <summary>Gets each usable record's place in its unit.</summary>
    public long[] Offsets { get; }

    /// <summary>Gets, for each record, why it is bad, or null.</summary>
    public (BadRecordKind Kind, string Reason)?[] Bad { get; }

    /// <summary>Gets the rows each good record makes (1 unless the rows object is <see cref="IMultiRowRecords{TRecord}"/>).</summary>
    public int[] RowCounts { get; }

    /// <summary>Gets each record's prepared input (null for a record found bad before preparing).</summary>
    public PreparedInput?[] Prepared { get; }

    /// <summary>Gets each good record's vector, once encoded.</summary>
    public ReadOnlyMemory<float>[] Vectors { get; }

    /// <summary>Gets or sets the model units of the chunk's prepared, usable inputs.</summary>
    public long Units { get; set; }

    /// <summary>Gets or sets the unknown model units among <see cref="Units"/>.</summary>
    public long UnknownUnits { get; set; }

    /// <summary>Gets the places in the unit of a chunk's usable records: those the rejected ones leave free, in order.</summary>
    /// <param name="chunk">The chunk.</param>
    /// <returns>The offset of each of <see cref="RecordChunk{TRecord}.Records"/>.</returns>
    public static long[] PlacesOf(RecordChunk<TRecord> chunk)
    {
        var places = new long[chunk.Records.Count];
        var rejected = new HashSet<long>(chunk.Rejected.Select(r => r.Offset));
        var place = chunk.Offset;
        for (var i = 0; i < places.Length; i++)
        {
            while (rejected.Contains(place))
            {
                place++;
            }

            places[i] = place++;
        }

        return places;
    }

    /// <summary>Gets the good records that make rows, and so are prepared and encoded, in order.</summary>
    public IEnumerable<int> Encodable()
    {
        for (var i = 0; i < Bad.Length; i++)
        {
            if (Bad[i] is null && RowCounts[i] > 0)
            {
                yield return i;
            }
        }
    }

    /// <summary>Gets the records that are done without being bad (rows written, or none to write), in order.</summary>
    public IEnumerable<int> Good()
    {
        for (var i = 0; i < Bad.Length; i++)
        {
            if (Bad[i] is null)
            {
                yield return i;
            }
        }
    }
}
