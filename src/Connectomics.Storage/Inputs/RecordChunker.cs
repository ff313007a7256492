using System.Runtime.CompilerServices;
using Connectomics.Chunks;
using Connectomics.Sequences;

namespace Connectomics.Storage.Inputs;

/// <summary>
/// Cuts a unit's records, read from an offset, into chunks of a fixed number of records (usable and rejected
/// together), so the chunks start at offset, offset + size, … whatever the source's own batches. The last chunk ends
/// the unit; a unit with nothing left gives one empty chunk that ends it.
/// </summary>
internal static class RecordChunker
{
    private const int MaxInitialCapacity = 4096;

    /// <summary>Cuts the records into chunks.</summary>
    /// <param name="unit">The unit.</param>
    /// <param name="offset">The place of the first item in the unit.</param>
    /// <param name="chunkSize">The records per chunk.</param>
    /// <param name="items">The unit's records from <paramref name="offset"/> on.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The chunks.</returns>
    public static async IAsyncEnumerable<RecordChunk<SequenceRecord>> ChunkAsync(
        WorkUnit unit, long offset, int chunkSize, IAsyncEnumerable<SourceItem> items, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var enumerator = items.GetAsyncEnumerator(cancellationToken);
        await using (enumerator.ConfigureAwait(false))
        {
            var more = await enumerator.MoveNextAsync().ConfigureAwait(false);
            if (!more)
            {
                yield return new RecordChunk<SequenceRecord>(unit, offset, 0, [], [], endOfUnit: true);
                yield break;
            }

            var start = offset;
            while (more)
            {
                var records = new List<SequenceRecord>(Math.Min(chunkSize, MaxInitialCapacity));
                var rejected = new List<RejectedRecord>();
                var count = 0;
                while (more && count < chunkSize)
                {
                    var item = enumerator.Current;
                    if (item.Record is { } record)
                    {
                        records.Add(record);
                    }
                    else
                    {
                        rejected.Add(item.Rejected!);
                    }

                    count++;
                    more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }

                yield return new RecordChunk<SequenceRecord>(unit, start, count, records, rejected, endOfUnit: !more);
                start += count;
            }
        }
    }

    /// <summary>Checks the arguments every <see cref="IChunkSource{TRecord}.ReadAsync"/> takes.</summary>
    /// <param name="unit">The unit.</param>
    /// <param name="offset">The offset.</param>
    /// <param name="chunkSize">The chunk size.</param>
    public static void CheckArguments(WorkUnit unit, long offset, int chunkSize)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
    }
}
