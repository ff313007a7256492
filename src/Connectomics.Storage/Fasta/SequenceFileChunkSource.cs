using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Connectomics.Chunks;
using Connectomics.Sequences;
using Connectomics.Storage.Inputs;
using Connectomics.Storage.Telemetry;
using Connectomics.Stores;

namespace Connectomics.Storage.Fasta;

/// <summary>
/// Reads FASTA or FASTQ files, plain or gzip-compressed, as work units of <see cref="SequenceRecord"/>s: one unit per
/// file, keyed by its path relative to the input root, with the file's length as its cost. A record's offset is its
/// index in the file; reading from an offset parses and skips the records before it.
/// </summary>
/// <remarks>
/// <para>
/// The input root is the deepest directory that contains every resolved file, so keys (<c>sample-1/reads.fq.gz</c>)
/// stay the same when the files are mounted elsewhere. Each record's id is the header's first word, and its
/// <c>description</c> column holds the rest of the header line (an empty string when there is none). Sequences are
/// upper-cased unless <see cref="SequenceFileChunkSourceOptions.UpperCase"/> is off.
/// </para>
/// <para>
/// A header with no sequence is rejected (<see cref="RejectedRecord"/>, reason <c>empty sequence</c>, with its file
/// and line); the pipeline decides what happens to it. A malformed file, an empty one, one without records, binary
/// data or damaged gzip data is a <see cref="FastaFormatException"/> naming the file and line. The source holds only
/// its options and the listing of its files; several units may be read at once.
/// </para>
/// </remarks>
public sealed class SequenceFileChunkSource : IChunkSource<SequenceRecord>
{
    /// <summary>The record column that holds the header text after the id.</summary>
    public const string DescriptionColumn = SequenceFileDefaults.DescriptionColumn;

    private readonly SequenceFileChunkSourceOptions _options;
    private readonly StorageTelemetry _telemetry;
    private readonly string _kind;
    private Listing? _listing;

    /// <summary>Initializes a new instance of the <see cref="SequenceFileChunkSource"/> class.</summary>
    /// <param name="options">What to read; copied, so later changes do not affect this source.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is invalid.</exception>
    public SequenceFileChunkSource(SequenceFileChunkSourceOptions options)
        : this(options, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SequenceFileChunkSource"/> class that counts the records
    /// it reads on the <c>Connectomics.Storage</c> meter of a meter factory.</summary>
    /// <param name="options">What to read; copied, so later changes do not affect this source.</param>
    /// <param name="meterFactory">Creates the meter; a process-wide meter when null.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is invalid.</exception>
    public SequenceFileChunkSource(SequenceFileChunkSourceOptions options, IMeterFactory? meterFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _telemetry = meterFactory is null ? StorageTelemetry.Shared : new StorageTelemetry(meterFactory);
        _kind = _options.Format == SequenceFileFormat.Fastq ? "fastq" : "fasta";
        Descriptor = new SourceDescriptor(
            _kind,
            [new RecordColumn(DescriptionColumn, RecordColumnType.String, Nullable: false)],
            new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["format"] = _kind,
                [SequenceCase.SettingName] = SequenceCase.SettingValue(_options.UpperCase),
            });
    }

    /// <inheritdoc/>
    /// <remarks>Kind <c>fasta</c> or <c>fastq</c>; one column, <c>description</c> (a string, never null); settings
    /// <c>format</c> and <c>case</c> (<c>upper</c> or <c>keep</c>).</remarks>
    public SourceDescriptor Descriptor { get; }

    /// <summary>Gets the full path of the directory that unit keys are relative to, resolving the inputs on first use.</summary>
    /// <exception cref="FileNotFoundException">An input names nothing that exists or matches no file.</exception>
    /// <exception cref="FastaFormatException">A file is empty (0 bytes).</exception>
    public string InputRoot => List().Root.Directory;

    /// <inheritdoc/>
    /// <exception cref="FileNotFoundException">An input names nothing that exists or matches no file.</exception>
    /// <exception cref="FastaFormatException">A file is empty (0 bytes).</exception>
    public ValueTask<IReadOnlyList<WorkUnit>> ListUnitsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IReadOnlyList<WorkUnit>>(List().Units);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="unit"/> is not a unit of this source.</exception>
    /// <exception cref="FastaFormatException">The file is malformed, empty, not text or damaged; the exception names
    /// the file and line.</exception>
    public IAsyncEnumerable<RecordChunk<SequenceRecord>> ReadAsync(WorkUnit unit, long offset, int chunkSize, CancellationToken cancellationToken = default)
    {
        RecordChunker.CheckArguments(unit, offset, chunkSize);
        var listing = List();
        if (!listing.Files.TryGetValue(unit.Key, out var path))
        {
            throw new ArgumentException($"The unit '{unit.Key}' is not a file of this source (input root '{listing.Root.Directory}').", nameof(unit));
        }

        return RecordChunker.ChunkAsync(unit, offset, chunkSize, ReadItemsAsync(unit, path, offset, cancellationToken), cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>The file relative to the input root (the unit's key) and the column <c>id</c> or <c>sequence</c>; the
    /// record's place is its 0-based record number in the file, the offset, as lines are not kept.</remarks>
    public RejectedRecord Locate(RejectedRecord record, RecordField field)
    {
        ArgumentNullException.ThrowIfNull(record);
        return List().Files.ContainsKey(record.UnitKey)
            ? record with
            {
                File = record.UnitKey,
                Column = field == RecordField.Id ? SequenceFileDefaults.IdColumn : SequenceFileDefaults.SequenceColumn,
            }
            : record;
    }

    private async IAsyncEnumerable<SourceItem> ReadItemsAsync(WorkUnit unit, string path, long offset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var lines = SequenceTextLines.Open(path, path);
        var entries = _options.Format == SequenceFileFormat.Fastq
            ? FastqParser.ParseAsync(lines, cancellationToken)
            : FastaParser.ParseAsync(lines, cancellationToken);
        var index = 0L;
        var read = 0L;
        try
        {
            await foreach (var entry in entries.ConfigureAwait(false))
            {
                if (index++ < offset)
                {
                    continue;
                }

                read++;
                yield return ToItem(unit, index - 1, entry);
            }
        }
        finally
        {
            _telemetry.SequenceFileRecordsRead(_kind, read);
        }

        if (index < offset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"The offset is past the end of '{unit.Key}', which holds {index} record(s).");
        }
    }

    private SourceItem ToItem(WorkUnit unit, long offset, SequenceEntry entry)
    {
        if (entry.Sequence.Length == 0)
        {
            return SourceItem.Of(new RejectedRecord(unit.Key, offset, entry.Id, "empty sequence")
            {
                File = unit.Key,
                Row = entry.HeaderLine,
                Column = SequenceFileDefaults.SequenceColumn,
            });
        }

        return SourceItem.Of(new SequenceRecord(entry.Id, SequenceCase.Apply(entry.Sequence, _options.UpperCase))
        {
            Metadata = new Dictionary<string, object?>(1, StringComparer.Ordinal) { [DescriptionColumn] = entry.Description },
        });
    }

    private Listing List()
    {
        if (_listing is { } listing)
        {
            return listing;
        }

        var extensions = _options.Format == SequenceFileFormat.Fastq ? SequenceFileDefaults.FastqExtensions : SequenceFileDefaults.FastaExtensions;
        var files = InputFiles.Resolve(_options.Inputs, extensions, (input, problem) => new FileNotFoundException($"'{input}': {problem}", input));
        var root = Inputs.InputRoot.Of(files);
        var units = new WorkUnit[files.Count];
        var keys = new Dictionary<string, string>(files.Count, StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            var length = new FileInfo(files[i]).Length;
            if (length == 0)
            {
                throw FastaFormatException.ForFile(files[i], "the file is empty (0 bytes).");
            }

            var key = root.RelativePath(files[i]);
            units[i] = new WorkUnit(key, i, new WorkUnitCost(length));
            keys[key] = files[i];
        }

        listing = new Listing(root, units, keys);
        _listing = listing;
        return listing;
    }

    private sealed record Listing(InputRoot Root, IReadOnlyList<WorkUnit> Units, IReadOnlyDictionary<string, string> Files);
}
