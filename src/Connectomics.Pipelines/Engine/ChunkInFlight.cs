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
    public ChunkInFlight(long sequence, RecordChunk<TRecord> chunk, WorkPosition positionAfter)
    {
        Sequence = sequence;
        Chunk = chunk;
        PositionAfter = positionAfter;
        var count = chunk.Records.Count;
        Ids = new string?[count];
        Offsets = new long[count];
        Bad = new (BadRecordKind Kind, string Reason)?[count];
        Prepared = new PreparedInput?[count];
        Vectors = new ReadOnlyMemory<float>[count];

        // The usable records fill the chunk's places that the rejected ones leave free, in order.
        var rejected = new HashSet<long>(chunk.Rejected.Select(r => r.Offset));
        var place = chunk.Offset;
        for (var i = 0; i < count; i++)
        {
            while (rejected.Contains(place))
            {
                place++;
            }

            Offsets[i] = place++;
        }
    }

    /// <summary>Gets the chunk's place in the run's read order, from 0.</summary>
    public long Sequence { get; }

    /// <summary>Gets the chunk as the source gave it.</summary>
    public RecordChunk<TRecord> Chunk { get; }

    /// <summary>Gets where the shard stands once this chunk is written.</summary>
    public WorkPosition PositionAfter { get; }

    /// <summary>Gets each usable record's id (null when it has none).</summary>
    public string?[] Ids { get; }

    /// <summary>Gets each usable record's place in its unit.</summary>
    public long[] Offsets { get; }

    /// <summary>Gets, for each record, why it is bad, or null.</summary>
    public (BadRecordKind Kind, string Reason)?[] Bad { get; }

    /// <summary>Gets each record's prepared input (null for a record found bad before preparing).</summary>
    public PreparedInput?[] Prepared { get; }

    /// <summary>Gets each good record's vector, once encoded.</summary>
    public ReadOnlyMemory<float>[] Vectors { get; }

    /// <summary>Gets or sets the model units of the chunk's prepared, usable inputs.</summary>
    public long Units { get; set; }

    /// <summary>Gets or sets the unknown model units among <see cref="Units"/>.</summary>
    public long UnknownUnits { get; set; }

    /// <summary>Gets the records that will become rows (not bad), in order.</summary>
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
