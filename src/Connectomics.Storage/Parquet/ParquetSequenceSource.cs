using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Apache.Arrow;
using Connectomics.Sequences;
using Connectomics.Storage.Telemetry;
using ParquetSharp.Arrow;

namespace Connectomics.Storage.Parquet;

/// <summary>
/// Streams <see cref="SequenceRecord"/>s out of one or more Parquet files, row group by row group, in batches of
/// at most <see cref="ParquetSequenceSourceOptions.BatchSize"/> records. Each batch carries the position after it,
/// from which a new source (<see cref="ParquetSequenceSourceOptions.StartPosition"/>) continues without losing or
/// repeating a record.
/// </summary>
/// <remarks>
/// Only the mapped columns are read, through the Arrow reader of Apache Parquet C++, one row group and one batch
/// at a time, so memory stays bounded whatever the size of the files. Reading is synchronous native work inside the
/// asynchronous enumeration: run the source on its own producer loop when it feeds other stages. The source holds
/// only its options, so one instance may be enumerated by several consumers at once; each enumeration opens its own
/// files. Resuming inside a row group decodes and discards the rows before the position in that row group.
/// </remarks>
public sealed class ParquetSequenceSource
{
    private readonly ParquetSequenceSourceOptions _options;
    private readonly StorageTelemetry _telemetry;

    /// <summary>Initializes a new instance of the <see cref="ParquetSequenceSource"/> class.</summary>
    /// <param name="options">What to read; copied, so later changes do not affect this source.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is invalid.</exception>
    public ParquetSequenceSource(ParquetSequenceSourceOptions options)
        : this(options, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ParquetSequenceSource"/> class that records the rows
    /// it reads on the <c>Connectomics.Storage</c> meter of a meter factory.</summary>
    /// <param name="options">What to read; copied, so later changes do not affect this source.</param>
    /// <param name="meterFactory">Creates the meter; a process-wide meter when null.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is invalid.</exception>
    public ParquetSequenceSource(ParquetSequenceSourceOptions options, IMeterFactory? meterFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _telemetry = meterFactory is null ? StorageTelemetry.Shared : new StorageTelemetry(meterFactory);
    }

    /// <summary>Lists the files the inputs resolve to, in the order they are read.</summary>
    /// <returns>The full paths, in ordinal order.</returns>
    /// <exception cref="ParquetInputException">An input names nothing that exists or matches no file.</exception>
    public IReadOnlyList<string> ResolveFiles() => ParquetInputFiles.Resolve(_options.Inputs);

    /// <summary>Reads the records in batches.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The batches, in file order; none is empty.</returns>
    /// <exception cref="ParquetInputException">A file is missing, not Parquet or damaged; a column is missing or of
    /// the wrong type; an id or sequence is null; or the start position does not fit the input.</exception>
    public async IAsyncEnumerable<ParquetSequenceBatch> ReadBatchesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var files = ResolveFiles();
        var firstFile = 0;
        var startRowGroup = 0;
        var startRow = 0L;
        if (_options.StartPosition is { } start)
        {
            firstFile = IndexOf(files, start.FilePath);
            if (firstFile < 0)
            {
                throw new ParquetInputException(
                    ParquetInputError.InvalidPosition, $"the start position names a file that is not among the {files.Count} input file(s).", start.FilePath);
            }

            startRowGroup = start.RowGroup;
            startRow = start.RowOffset;
        }

        for (var i = firstFile; i < files.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var fromRowGroup = i == firstFile ? startRowGroup : 0;
            var fromRow = i == firstFile ? startRow : 0;
            await foreach (var batch in ReadFileAsync(files[i], fromRowGroup, fromRow, cancellationToken).ConfigureAwait(false))
            {
                _telemetry.ParquetRowsRead(batch.Records.Count);
                yield return batch;
            }
        }
    }

    /// <summary>Reads the records one at a time (the batches of <see cref="ReadBatchesAsync"/>, flattened).</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The records, in file order.</returns>
    /// <exception cref="ParquetInputException">As for <see cref="ReadBatchesAsync"/>.</exception>
    public async IAsyncEnumerable<SequenceRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var batch in ReadBatchesAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var record in batch.Records)
            {
                yield return record;
            }
        }
    }

    private async IAsyncEnumerable<ParquetSequenceBatch> ReadFileAsync(
        string path, int fromRowGroup, long fromRow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = ParquetArrowReader.OpenFileReader(path, _options.BatchSize);
        var binding = Bind(reader, path, _options);
        var rowGroups = reader.NumRowGroups;
        ParquetArrowReader.CheckStart(reader, path, fromRowGroup, fromRow);

        for (var rowGroup = fromRowGroup; rowGroup < rowGroups; rowGroup++)
        {
            var rows = ParquetArrowReader.ReadRowGroupRowCount(reader, path, rowGroup);
            var skip = rowGroup == fromRowGroup ? fromRow : 0;
            if (skip > rows)
            {
                throw new ParquetInputException(
                    ParquetInputError.InvalidPosition, $"the start position is past the end of the row group, which has {rows} row(s).", path, rowGroup, skip);
            }

            if (skip == rows)
            {
                continue;
            }

            using var stream = ParquetArrowReader.OpenRowGroup(reader, path, rowGroup, binding.LeafIndices);
            var row = 0L;
            while (!cancellationToken.IsCancellationRequested && await ParquetArrowReader.ReadNextAsync(stream, path, rowGroup, row, cancellationToken).ConfigureAwait(false) is { } batch)
            {
                using (batch)
                {
                    var first = (int)Math.Clamp(skip - row, 0, batch.Length);
                    var end = row + batch.Length;
                    if (first < batch.Length)
                    {
                        var records = ToRecords(batch, first, binding, path, rowGroup, row);
                        var next = end < rows ? new ParquetReadPosition(path, rowGroup, end)
                            : new ParquetReadPosition(path, rowGroup + 1, 0);
                        yield return new ParquetSequenceBatch(records, new ParquetReadPosition(path, rowGroup, row + first), next);
                    }

                    row = end;
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (row != rows)
            {
                throw new ParquetInputException(
                    ParquetInputError.Corrupt, $"the row group declares {rows} row(s) but {row} were read.", path, rowGroup);
            }
        }
    }

    private static int IndexOf(IReadOnlyList<string> files, string path)
    {
        for (var i = 0; i < files.Count; i++)
        {
            if (string.Equals(files[i], path, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static ParquetColumnBinding Bind(FileReader reader, string path, ParquetSequenceSourceOptions options) =>
        ParquetColumnBinding.Read(reader, path, options.IdColumn, options.SequenceColumn, [.. options.MetadataColumns], options.IncludeAllOtherColumns);

    private static SequenceRecord[] ToRecords(RecordBatch batch, int first, ParquetColumnBinding binding, string path, int rowGroup, long batchRow)
    {
        var ids = batch.Column(binding.IdColumn, StringComparer.Ordinal);
        var sequences = batch.Column(binding.SequenceColumn, StringComparer.Ordinal);
        var metadata = new IArrowArray[binding.MetadataColumns.Length];
        for (var m = 0; m < metadata.Length; m++)
        {
            metadata[m] = batch.Column(binding.MetadataColumns[m], StringComparer.Ordinal);
        }

        var records = new SequenceRecord[batch.Length - first];
        for (var i = first; i < batch.Length; i++)
        {
            var id = ArrowValues.GetText(ids, i)
                ?? throw NullValue(binding.IdColumn, "the id is null", i);
            var sequence = ArrowValues.GetString(sequences, i)
                ?? throw NullValue(binding.SequenceColumn, $"the sequence of record '{id}' is null", i);
            var record = new SequenceRecord(id, sequence);
            if (metadata.Length > 0)
            {
                var values = new Dictionary<string, object?>(metadata.Length, StringComparer.Ordinal);
                for (var m = 0; m < metadata.Length; m++)
                {
                    values[binding.MetadataColumns[m]] = ArrowValues.GetValue(metadata[m], i);
                }

                record = record with { Metadata = values.AsReadOnly() };
            }

            records[i - first] = record;
        }

        return records;

        ParquetInputException NullValue(string column, string message, int index) =>
            new(ParquetInputError.NullValue, message + ".", path, rowGroup, batchRow + index, column);
    }
}
