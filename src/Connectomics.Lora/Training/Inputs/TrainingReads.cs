using System.Globalization;
using Connectomics.Chunks;
using Connectomics.Sequences;

namespace Connectomics.Lora.Training;

/// <summary>Reads the records of a source into memory, and splits reads for validation by a seeded shuffle.</summary>
internal static class TrainingReads
{
    private const int ChunkSize = 4096;

    /// <summary>Reads every record of a source, unit by unit, in the source's order.</summary>
    /// <param name="source">The source.</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The records.</returns>
    /// <exception cref="BadRecordException">The source rejected a record; the message names it.</exception>
    public static async Task<List<SequenceRecord>> ReadAllAsync(IChunkSource<SequenceRecord> source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var records = new List<SequenceRecord>();
        foreach (var unit in await source.ListUnitsAsync(cancellationToken).ConfigureAwait(false))
        {
            await foreach (var chunk in source.ReadAsync(unit, 0, ChunkSize, cancellationToken).ConfigureAwait(false))
            {
                if (chunk.Rejected.Count > 0)
                {
                    var first = source.Locate(chunk.Rejected[0], RecordField.Content);
                    throw new BadRecordException(
                        string.Create(CultureInfo.InvariantCulture, $"{source.Descriptor.Kind} input rejected {chunk.Rejected.Count} record(s) of unit '{first.UnitKey}'; first: {first.Reason}"),
                        first.File, first.Row, first.Column, first.RecordId);
                }

                records.AddRange(chunk.Records);
            }
        }

        return records;
    }

    /// <summary>Splits reads into training and validation by a seeded shuffle.</summary>
    /// <typeparam name="T">The read type.</typeparam>
    /// <param name="reads">The reads.</param>
    /// <param name="fraction">The fraction held out for validation.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The training reads and the validation reads, each in the input's order.</returns>
    public static (List<T> Train, List<T> Validation) Split<T>(IReadOnlyList<T> reads, double fraction, long seed)
    {
        var held = (int)Math.Round(reads.Count * fraction, MidpointRounding.AwayFromZero);
        if (fraction > 0 && held == 0 && reads.Count > 1)
        {
            held = 1;
        }

        var order = EpochShuffle.Order(reads.Count, seed, epoch: -1);
        var validation = new HashSet<int>(order.Take(held));
        var train = new List<T>();
        var holdOut = new List<T>();
        for (var i = 0; i < reads.Count; i++)
        {
            (validation.Contains(i) ? holdOut : train).Add(reads[i]);
        }

        return (train, holdOut);
    }
}
