using System.Globalization;
using Connectomics.Chunks;
using Connectomics.Lora.Taxonomy;
using Connectomics.Samples.Inputs;
using Connectomics.Sequences;
using Connectomics.Storage.Fasta;
using Connectomics.Storage.Parquet;

namespace Connectomics.FineTune.Inputs;

/// <summary>
/// Reads an input into memory through the storage package's sources (FASTA/FASTQ plain or gzip, or Parquet), and
/// refuses what would otherwise train or predict on the wrong thing: an input without reads, a read without bases,
/// a repeated id, and, where the taxonomy is needed, a read without one. Every refusal names the file and the record.
/// </summary>
internal static class ReadLoader
{
    private const int ChunkSize = 4096;

    /// <summary>Reads every record of an input.</summary>
    /// <param name="input">The input.</param>
    /// <param name="withTaxonomy">Whether every read must carry a taxonomy (FASTA: the header's description;
    /// Parquet: the taxonomy column).</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The reads.</returns>
    /// <exception cref="InvalidDataException">The input breaks one of the rules; the message names the file and record.</exception>
    public static async Task<LoadedReads> LoadAsync(ReadInput input, bool withTaxonomy, CancellationToken cancellationToken)
    {
        if (input.Inputs.Count == 0)
        {
            throw new InvalidDataException("No input was given.");
        }

        var format = input.Format == InputFormat.Auto ? InputFormatDetector.Detect(input.Inputs) : input.Format;
        var (source, root, key) = Open(input, format, withTaxonomy);
        var records = new List<SequenceRecord>();
        var taxonomy = new List<TaxonomyPath>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var unit in await source.ListUnitsAsync(cancellationToken))
        {
            await foreach (var chunk in source.ReadAsync(unit, 0, ChunkSize, cancellationToken))
            {
                if (chunk.Rejected.Count > 0)
                {
                    var first = source.Locate(chunk.Rejected[0], RecordField.Content);
                    throw new InvalidDataException($"{Where(root, format, first)}: {first.Reason}.");
                }

                for (var i = 0; i < chunk.Records.Count; i++)
                {
                    var record = chunk.Records[i];
                    var place = source.Locate(new RejectedRecord(unit.Key, chunk.Offset + i, record.Id, string.Empty), RecordField.Id);
                    if (!seen.TryAdd(record.Id, Where(root, format, place)))
                    {
                        throw new InvalidDataException(
                            $"{Where(root, format, place)} repeats the id '{record.Id}' of {seen[record.Id]}: ids must be unique, as predictions.tsv names each read by its id.");
                    }

                    if (withTaxonomy)
                    {
                        taxonomy.Add(TaxonomyOf(record, key, format, Where(root, format, place)));
                    }

                    records.Add(record);
                }
            }
        }

        if (records.Count == 0)
        {
            throw new InvalidDataException($"The input {Path.GetFullPath(input.Inputs[0])}{(input.Inputs.Count > 1 ? " (and the rest)" : string.Empty)} holds no reads.");
        }

        return new LoadedReads(records, taxonomy, key, format);
    }

    private static (IChunkSource<SequenceRecord> Source, Func<string> Root, string TaxonomyKey) Open(ReadInput input, InputFormat format, bool withTaxonomy)
    {
        if (format == InputFormat.Parquet)
        {
            var parquet = new ParquetChunkSource(new ParquetChunkSourceOptions
            {
                Inputs = [.. input.Inputs],
                IdColumn = input.IdColumn,
                SequenceColumn = input.SequenceColumn,
                KeptColumns = withTaxonomy ? [input.TaxonomyColumn] : [],
                UpperCase = true,
            });
            return (parquet, () => parquet.InputRoot, input.TaxonomyColumn);
        }

        var files = new SequenceFileChunkSource(new SequenceFileChunkSourceOptions
        {
            Inputs = [.. input.Inputs],
            Format = format == InputFormat.Fastq ? SequenceFileFormat.Fastq : SequenceFileFormat.Fasta,
            UpperCase = true,
        });
        return (files, () => files.InputRoot, SequenceFileChunkSource.DescriptionColumn);
    }

    private static TaxonomyPath TaxonomyOf(SequenceRecord record, string key, InputFormat format, string where)
    {
        var value = record.Metadata.TryGetValue(key, out var raw) ? Convert.ToString(raw, CultureInfo.InvariantCulture) : null;
        var parquet = format == InputFormat.Parquet;
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidDataException(parquet
                ? $"{where} has no taxonomy: its '{key}' value is empty (every training read needs 'k;p;c;o;f;g;s')."
                : $"{where} has no taxonomy: its header has no description after the id (write '>id kingdom;phylum;class;order;family;genus;species').");
        }

        // A header's description is also where free text goes ('16S rRNA gene, partial'): without a ';' it is not
        // taken for a one-rank lineage.
        if (!parquet && !value.Contains(';', StringComparison.Ordinal))
        {
            throw new InvalidDataException(
                $"{where} has no taxonomy: its header's description '{value}' is not a lineage (write '>id kingdom;phylum;class;order;family;genus;species').");
        }

        try
        {
            var path = TaxonomyPath.Parse(value);
            return path.IsEmpty
                ? throw new InvalidDataException($"{where} has no taxonomy: '{value}' names no rank.")
                : path;
        }
        catch (TaxonomyFormatException e)
        {
            throw new InvalidDataException($"{where}: {e.Message}", e);
        }
    }

    private static string Where(Func<string> root, InputFormat format, RejectedRecord place)
    {
        var file = place.File is null ? place.UnitKey : Path.Combine(root(), place.File);
        var id = place.RecordId is null ? string.Empty : $" ('{place.RecordId}')";
        return format == InputFormat.Parquet && place.Row is { } row
            ? string.Create(CultureInfo.InvariantCulture, $"{file}: row {row}{id}")
            : string.Create(CultureInfo.InvariantCulture, $"{file}: record {place.Offset + 1}{id}");
    }
}
