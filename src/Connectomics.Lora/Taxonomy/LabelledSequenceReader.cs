using System.Globalization;
using System.Runtime.CompilerServices;
using Connectomics.Chunks;
using Connectomics.Sequences;

namespace Connectomics.Lora.Taxonomy;

/// <summary>
/// Reads labelled reads from any sequence source (FASTA, FASTQ, Parquet): each record's taxonomy string is taken from
/// a metadata key and parsed with <see cref="TaxonomyPath.Parse"/>. Reads come in input order: the source's units in
/// their order, each from its start.
/// </summary>
/// <remarks>
/// A read without a taxonomy fails or is skipped by <see cref="LabelledSequenceReaderOptions.Unlabelled"/>; an
/// unparsable taxonomy (more than seven ranks) always fails; a record the source rejected fails unless
/// <see cref="LabelledSequenceReaderOptions.SkipRejected"/>. Failures are <see cref="LabelledSequenceException"/>s
/// naming the file, row, record and key. One enumeration at a time per instance.
/// </remarks>
public sealed class LabelledSequenceReader
{
    private readonly IChunkSource<SequenceRecord> _source;
    private readonly LabelledSequenceReaderOptions _options;

    /// <summary>Initializes a reader.</summary>
    /// <param name="source">The sequence source.</param>
    /// <param name="options">The options; copied. <see langword="null"/> for the defaults (FASTA descriptions).</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public LabelledSequenceReader(IChunkSource<SequenceRecord> source, LabelledSequenceReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _options = (options ?? new LabelledSequenceReaderOptions()).Clone();
        _options.Validate();
        _source = source;
    }

    /// <summary>Gets the reads left out for lacking a taxonomy in the last enumeration.</summary>
    public long SkippedUnlabelled { get; private set; }

    /// <summary>Gets the records the source rejected and that were left out in the last enumeration.</summary>
    public long SkippedRejected { get; private set; }

    /// <summary>Reads every labelled read, in input order.</summary>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The reads.</returns>
    /// <exception cref="LabelledSequenceException">A read cannot be used (see the remarks).</exception>
    public async IAsyncEnumerable<LabelledSequence> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        SkippedUnlabelled = 0;
        SkippedRejected = 0;
        var units = await _source.ListUnitsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var unit in units.OrderBy(u => u.Ordinal))
        {
            await foreach (var chunk in _source.ReadAsync(unit, 0, _options.ChunkSize, cancellationToken).ConfigureAwait(false))
            {
                if (chunk.Rejected.Count > 0)
                {
                    if (!_options.SkipRejected)
                    {
                        var rejected = _source.Locate(chunk.Rejected[0], RecordField.Content);
                        throw new LabelledSequenceException(
                            $"{Where(rejected)}: the source rejected record '{rejected.RecordId ?? "(no id)"}' ({rejected.Reason}).",
                            rejected.File,
                            rejected.Row,
                            rejected.RecordId,
                            null);
                    }

                    SkippedRejected += chunk.Rejected.Count;
                }

                foreach (var labelled in Label(chunk))
                {
                    yield return labelled;
                }
            }
        }
    }

    /// <summary>Reads every labelled read into a list, in input order.</summary>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The reads.</returns>
    /// <exception cref="LabelledSequenceException">A read cannot be used.</exception>
    public async Task<IReadOnlyList<LabelledSequence>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        var result = new List<LabelledSequence>();
        await foreach (var labelled in ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(labelled);
        }

        return result;
    }

    private List<LabelledSequence> Label(RecordChunk<SequenceRecord> chunk)
    {
        var result = new List<LabelledSequence>(chunk.Records.Count);
        if (chunk.Records.Count == 0)
        {
            return result;
        }

        // Records and rejections share the chunk's offsets; walk both to give each record its place in the unit.
        var rejectedOffsets = new HashSet<long>(chunk.Rejected.Select(r => r.Offset));
        var offset = chunk.Offset;
        foreach (var record in chunk.Records)
        {
            while (rejectedOffsets.Contains(offset))
            {
                offset++;
            }

            var taxonomy = Parse(record, chunk.Unit, offset);
            if (taxonomy is not null)
            {
                result.Add(new LabelledSequence(record.Id, record.Sequence, taxonomy));
            }

            offset++;
        }

        return result;
    }

    private TaxonomyPath? Parse(SequenceRecord record, WorkUnit unit, long offset)
    {
        var key = _options.TaxonomyKey;
        string? text;
        if (!record.Metadata.TryGetValue(key, out var value) || value is null)
        {
            text = null;
        }
        else if (value is string s)
        {
            text = s;
        }
        else
        {
            throw Fail(record, unit, offset, $"its '{key}' value is a {value.GetType().Name}, not a taxonomy string.", null);
        }

        TaxonomyPath path;
        try
        {
            path = text is null ? TaxonomyPath.Empty : TaxonomyPath.Parse(text);
        }
        catch (TaxonomyFormatException exception)
        {
            throw Fail(record, unit, offset, exception.Message, exception);
        }

        if (!path.IsEmpty)
        {
            return path;
        }

        if (_options.Unlabelled == UnlabelledReadPolicy.Skip)
        {
            SkippedUnlabelled++;
            return null;
        }

        var why = record.Metadata.ContainsKey(key)
            ? $"its '{key}' names no rank (a taxonomy 'kingdom;phylum;class;order;family;genus;species' is expected)."
            : $"it has no '{key}' metadata (the source's metadata keys: {string.Join(", ", record.Metadata.Keys.Select(k => $"'{k}'"))}).";
        throw Fail(record, unit, offset, why + " Skip unlabelled reads with UnlabelledReadPolicy.Skip.", null);
    }

    private LabelledSequenceException Fail(SequenceRecord record, WorkUnit unit, long offset, string problem, Exception? inner)
    {
        var located = _source.Locate(new RejectedRecord(unit.Key, offset, record.Id, problem), RecordField.Id) with { Column = _options.TaxonomyKey };
        return new LabelledSequenceException($"{Where(located)} (id '{record.Id}'), key '{_options.TaxonomyKey}': {problem}", located.File, located.Row, record.Id, inner);
    }

    private static string Where(RejectedRecord record)
    {
        var file = record.File ?? record.UnitKey;
        return record.Row is { } row
            ? string.Create(CultureInfo.InvariantCulture, $"'{file}' row {row}")
            : string.Create(CultureInfo.InvariantCulture, $"'{file}' record {record.Offset + 1}");
    }
}
