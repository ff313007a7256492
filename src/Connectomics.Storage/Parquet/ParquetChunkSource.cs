using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Apache.Arrow;
using Connectomics.Chunks;
using Connectomics.Sequences;
using Connectomics.Storage.Inputs;
using Connectomics.Storage.Telemetry;
using Connectomics.Stores;
using ParquetSharp;
using ParquetSharp.Arrow;

namespace Connectomics.Storage.Parquet;

/// <summary>
/// Reads Parquet files as work units of <see cref="SequenceRecord"/>s: one unit per row group, keyed
/// <c>&lt;path relative to the input root&gt;#&lt;row group&gt;</c>, costed by the row group's compressed bytes and
/// rows, ordered file by file (ordinal order of the paths) and row group by row group. A record's offset is its row
/// within the row group.
/// </summary>
/// <remarks>
/// <para>
/// The input root is the deepest directory that contains every resolved file, so keys (<c>part-0.parquet#3</c>,
/// <c>2024/part-1.parquet#0</c>) stay the same when the files are mounted elsewhere (another node, another pod).
/// Sequences are upper-cased unless <see cref="ParquetChunkSourceOptions.UpperCase"/> is off; kept columns travel in
/// <see cref="SequenceRecord.Metadata"/> as the .NET type of their record column type.
/// </para>
/// <para>
/// A row whose id or sequence is null, or whose sequence is empty, is rejected (<see cref="RejectedRecord"/> with the
/// file, the row's index in the file and the column); the pipeline decides what happens to it. A missing or damaged
/// file, a missing column or one of an unsupported type is a <see cref="ParquetInputException"/> naming the file
/// and column. Listing the units (or reading <see cref="Descriptor"/>) reads every file's footer once; reading a unit
/// decodes only the id, sequence and kept columns of its row group, in batches. Several units may be read at once.
/// </para>
/// </remarks>
public sealed class ParquetChunkSource : IChunkSource<SequenceRecord>
{
    private const int MaxBatchSize = 1 << 16;

    private readonly ParquetChunkSourceOptions _options;
    private readonly StorageTelemetry _telemetry;
    private Listing? _listing;

    /// <summary>Initializes a new instance of the <see cref="ParquetChunkSource"/> class.</summary>
    /// <param name="options">What to read; copied, so later changes do not affect this source.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is invalid.</exception>
    public ParquetChunkSource(ParquetChunkSourceOptions options)
        : this(options, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ParquetChunkSource"/> class that counts the rows it
    /// reads on the <c>Connectomics.Storage</c> meter of a meter factory.</summary>
    /// <param name="options">What to read; copied, so later changes do not affect this source.</param>
    /// <param name="meterFactory">Creates the meter; a process-wide meter when null.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is invalid.</exception>
    public ParquetChunkSource(ParquetChunkSourceOptions options, IMeterFactory? meterFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _telemetry = meterFactory is null ? StorageTelemetry.Shared : new StorageTelemetry(meterFactory);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Kind <c>parquet</c>; the kept columns with their types, as the first file declares them; settings
    /// <c>idColumn</c>, <c>sequenceColumn</c>, <c>keptColumns</c> (the names, comma-separated), <c>keepAllOtherColumns</c>
    /// and <c>case</c> (<c>upper</c> or <c>keep</c>). The first use resolves the inputs and reads every file's footer.
    /// </remarks>
    /// <exception cref="ParquetInputException">An input names nothing, a file cannot be read, or a column is missing,
    /// of an unsupported type, or of another type than in the first file.</exception>
    public SourceDescriptor Descriptor => List().Descriptor;

    /// <summary>Gets the full path of the directory that unit keys are relative to, resolving the inputs on first use.</summary>
    /// <exception cref="ParquetInputException">As for <see cref="Descriptor"/>.</exception>
    public string InputRoot => List().Root.Directory;

    /// <inheritdoc/>
    /// <exception cref="ParquetInputException">As for <see cref="Descriptor"/>.</exception>
    public ValueTask<IReadOnlyList<WorkUnit>> ListUnitsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IReadOnlyList<WorkUnit>>(List().Units);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="unit"/> is not a unit of this source.</exception>
    /// <exception cref="ParquetInputException">The file is missing, damaged or no longer has the listed columns.</exception>
    public IAsyncEnumerable<RecordChunk<SequenceRecord>> ReadAsync(WorkUnit unit, long offset, int chunkSize, CancellationToken cancellationToken = default)
    {
        RecordChunker.CheckArguments(unit, offset, chunkSize);
        var listing = List();
        if (!listing.RowGroups.TryGetValue(unit.Key, out var rowGroup))
        {
            throw new ArgumentException($"The unit '{unit.Key}' is not a row group of this source (input root '{listing.Root.Directory}').", nameof(unit));
        }

        if (offset > rowGroup.Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"The offset is past the end of '{unit.Key}', which holds {rowGroup.Rows} row(s).");
        }

        return RecordChunker.ChunkAsync(unit, offset, chunkSize, ReadItemsAsync(unit, rowGroup, listing, offset, chunkSize, cancellationToken), cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>The file relative to the input root, the record's 0-based row in the file (the row group's first row
    /// plus the offset) and the id or sequence column.</remarks>
    /// <exception cref="ParquetInputException">As for <see cref="Descriptor"/>.</exception>
    public RejectedRecord Locate(RejectedRecord record, RecordField field)
    {
        ArgumentNullException.ThrowIfNull(record);
        var listing = List();
        if (!listing.RowGroups.TryGetValue(record.UnitKey, out var group))
        {
            return record;
        }

        return record with
        {
            File = group.RelativePath,
            Row = group.FirstRow + record.Offset,
            Column = field == RecordField.Id ? listing.Binding.IdColumn : listing.Binding.SequenceColumn,
        };
    }

    private async IAsyncEnumerable<SourceItem> ReadItemsAsync(
        WorkUnit unit, RowGroupUnit group, Listing listing, long offset, int chunkSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (offset == group.Rows)
        {
            yield break;
        }

        using var reader = ParquetArrowReader.OpenFileReader(group.Path, Math.Min(chunkSize, MaxBatchSize));
        var binding = Bind(reader, group.Path);
        if (!binding.MetadataColumns.SequenceEqual(listing.Binding.MetadataColumns, StringComparer.Ordinal))
        {
            throw new ParquetInputException(
                ParquetInputError.ColumnMissing,
                $"the file's kept columns ({Names(binding.MetadataColumns)}) are no longer those listed ({Names(listing.Binding.MetadataColumns)}).",
                group.Path);
        }

        using var stream = ParquetArrowReader.OpenRowGroup(reader, group.Path, group.RowGroup, binding.LeafIndices);
        var row = 0L;
        while (await ParquetArrowReader.ReadNextAsync(stream, group.Path, group.RowGroup, row, cancellationToken).ConfigureAwait(false) is { } batch)
        {
            using (batch)
            {
                var first = (int)Math.Clamp(offset - row, 0, batch.Length);
                if (first < batch.Length)
                {
                    var items = ToItems(batch, first, binding, unit, group, row);
                    _telemetry.ParquetRowsRead(items.Length);
                    foreach (var item in items)
                    {
                        yield return item;
                    }
                }

                row += batch.Length;
            }
        }

        if (row != group.Rows)
        {
            throw new ParquetInputException(
                ParquetInputError.Corrupt, $"the row group declares {group.Rows} row(s) but {row} were read.", group.Path, group.RowGroup);
        }
    }

    private SourceItem[] ToItems(RecordBatch batch, int first, ParquetColumnBinding binding, WorkUnit unit, RowGroupUnit group, long batchRow)
    {
        var ids = batch.Column(binding.IdColumn, StringComparer.Ordinal);
        var sequences = batch.Column(binding.SequenceColumn, StringComparer.Ordinal);
        var kept = new IArrowArray[binding.MetadataColumns.Length];
        for (var m = 0; m < kept.Length; m++)
        {
            kept[m] = batch.Column(binding.MetadataColumns[m], StringComparer.Ordinal);
        }

        var items = new SourceItem[batch.Length - first];
        for (var i = first; i < batch.Length; i++)
        {
            var offset = batchRow + i;
            var id = ArrowValues.GetText(ids, i);
            var sequence = ArrowValues.GetString(sequences, i);
            if (id is null || string.IsNullOrEmpty(sequence))
            {
                var (column, reason) = id is null ? (binding.IdColumn, "the id is null")
                    : sequence is null ? (binding.SequenceColumn, "the sequence is null")
                    : (binding.SequenceColumn, "empty sequence");
                items[i - first] = SourceItem.Of(new RejectedRecord(unit.Key, offset, id, reason)
                {
                    File = group.RelativePath,
                    Row = group.FirstRow + offset,
                    Column = column,
                    Content = id is null ? sequence : null,
                });
                continue;
            }

            var record = new SequenceRecord(id, SequenceCase.Apply(sequence, _options.UpperCase));
            if (kept.Length > 0)
            {
                var values = new Dictionary<string, object?>(kept.Length, StringComparer.Ordinal);
                for (var m = 0; m < kept.Length; m++)
                {
                    values[binding.MetadataColumns[m]] = ArrowValues.GetRecordValue(kept[m], i);
                }

                record = record with { Metadata = values.AsReadOnly() };
            }

            items[i - first] = SourceItem.Of(record);
        }

        return items;
    }

    private ParquetColumnBinding Bind(FileReader reader, string path) =>
        ParquetColumnBinding.Read(reader, path, _options.IdColumn, _options.SequenceColumn, [.. _options.KeptColumns], _options.KeepAllOtherColumns);

    private Listing List()
    {
        if (_listing is { } listing)
        {
            return listing;
        }

        var files = ParquetInputFiles.Resolve(_options.Inputs);
        var root = Inputs.InputRoot.Of(files);
        var units = new List<WorkUnit>();
        var rowGroups = new Dictionary<string, RowGroupUnit>(StringComparer.Ordinal);
        ParquetColumnBinding? firstBinding = null;
        RecordColumn[]? columns = null;
        foreach (var path in files)
        {
            var relative = root.RelativePath(path);
            using var reader = ParquetArrowReader.OpenFileReader(path, 1);
            var binding = Bind(reader, path);
            var fileColumns = Columns(binding, path);
            if (columns is null)
            {
                firstBinding = binding;
                columns = fileColumns;
            }
            else if (!fileColumns.SequenceEqual(columns))
            {
                throw new ParquetInputException(
                    ParquetInputError.ColumnType,
                    $"the kept columns ({Describe(fileColumns)}) differ from those of the first file, '{files[0]}' ({Describe(columns)}).",
                    path);
            }

            var firstRow = 0L;
            for (var group = 0; group < reader.NumRowGroups; group++)
            {
                var (rows, bytes) = ReadRowGroupSize(reader, path, group);
                var key = string.Create(CultureInfo.InvariantCulture, $"{relative}#{group}");
                units.Add(new WorkUnit(key, units.Count, new WorkUnitCost(bytes, rows)));
                rowGroups[key] = new RowGroupUnit(path, relative, group, rows, firstRow);
                firstRow += rows;
            }
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["idColumn"] = _options.IdColumn,
            ["sequenceColumn"] = _options.SequenceColumn,
            ["keptColumns"] = string.Join(",", columns!.Select(c => c.Name)),
            ["keepAllOtherColumns"] = _options.KeepAllOtherColumns ? "true" : "false",
            [SequenceCase.SettingName] = SequenceCase.SettingValue(_options.UpperCase),
        };
        listing = new Listing(root, units, rowGroups, firstBinding!, new SourceDescriptor("parquet", columns!, settings));
        _listing = listing;
        return listing;
    }

    private static RecordColumn[] Columns(ParquetColumnBinding binding, string path)
    {
        var columns = new RecordColumn[binding.MetadataFields.Length];
        for (var m = 0; m < columns.Length; m++)
        {
            var field = binding.MetadataFields[m];
            var type = ArrowValues.RecordTypeOf(field.DataType) ?? throw new ParquetInputException(
                ParquetInputError.ColumnType,
                $"the column has type {ArrowValues.Describe(field.DataType)}, which no record column type holds whole; kept columns must be strings, integers up to int64 or uint32, floats, doubles, booleans, dates or timestamps.",
                path,
                column: field.Name);
            columns[m] = new RecordColumn(field.Name, type, field.IsNullable);
        }

        return columns;
    }

    private static (long Rows, long Bytes) ReadRowGroupSize(FileReader reader, string path, int rowGroup)
    {
        try
        {
            using var group = reader.ParquetReader.RowGroup(rowGroup);
            var metadata = group.MetaData;
            var bytes = 0L;
            for (var c = 0; c < metadata.NumColumns; c++)
            {
                using var chunk = metadata.GetColumnChunkMetaData(c);
                bytes += chunk.TotalCompressedSize;
            }

            return (metadata.NumRows, bytes);
        }
        catch (ParquetException e)
        {
            throw new ParquetInputException(ParquetInputError.Corrupt, $"the row group metadata cannot be read ({NativeErrorText.Of(e)}).", path, rowGroup, innerException: e);
        }
    }

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    private static string Describe(IEnumerable<RecordColumn> columns) =>
        string.Join(", ", columns.Select(c => $"'{c.Name}' {c.Type}{(c.Nullable ? string.Empty : " not null")}"));

    private sealed record RowGroupUnit(string Path, string RelativePath, int RowGroup, long Rows, long FirstRow);

    private sealed record Listing(
        InputRoot Root, IReadOnlyList<WorkUnit> Units, IReadOnlyDictionary<string, RowGroupUnit> RowGroups, ParquetColumnBinding Binding, SourceDescriptor Descriptor);
}
