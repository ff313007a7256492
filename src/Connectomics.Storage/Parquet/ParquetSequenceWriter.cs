using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Durability;
using Connectomics.Sequences;
using ParquetSharp;
using ArrowFileWriter = ParquetSharp.Arrow.FileWriter;

namespace Connectomics.Storage.Parquet;

/// <summary>
/// Writes <see cref="SequenceRecord"/>s to a Parquet file: an id column, a sequence column and typed metadata
/// columns, Snappy-compressed, in row groups of <see cref="ParquetSequenceWriterOptions.RowGroupSize"/> records.
/// The data goes to a hidden temporary file next to the target; <see cref="CompleteAsync"/> is the commit point that
/// renames it into place, and <see cref="DisposeAsync"/> without a commit removes it.
/// </summary>
/// <remarks>
/// A record is checked against the columns when it is written, so an error names the record at fault. Writing is
/// synchronous native work; the methods are asynchronous to fit pipelines. An instance is not thread-safe.
/// </remarks>
public sealed class ParquetSequenceWriter : IAsyncDisposable
{
    private readonly ParquetSequenceWriterOptions _options;
    private readonly string _path;
    private readonly string _tempPath;
    private readonly Schema _schema;
    private readonly IDurableFileSystem _fileSystem;
    private readonly List<SequenceRecord> _pending;
    private ArrowFileWriter? _writer;
    private State _state;

    /// <summary>Initializes a new instance of the <see cref="ParquetSequenceWriter"/> class and creates its temporary file.</summary>
    /// <param name="options">What to write; copied, so later changes do not affect this writer.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is invalid.</exception>
    /// <exception cref="ParquetOutputException">The target exists and <see cref="ParquetSequenceWriterOptions.Overwrite"/>
    /// is off, its directory does not exist, or the temporary file cannot be created.</exception>
    public ParquetSequenceWriter(ParquetSequenceWriterOptions options)
        : this(options, OperatingSystemFileSystem.Instance)
    {
    }

    /// <summary>Initializes a writer that flushes and renames its file through <paramref name="fileSystem"/>.</summary>
    /// <param name="options">What to write; copied, so later changes do not affect this writer.</param>
    /// <param name="fileSystem">Flushes the finished file and publishes it.</param>
    internal ParquetSequenceWriter(ParquetSequenceWriterOptions options, IDurableFileSystem fileSystem)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fileSystem);
        _fileSystem = fileSystem;
        options.Validate();
        _options = options.Clone();
        _path = Path.GetFullPath(_options.Path);
        var directory = Path.GetDirectoryName(_path)!;
        if (!Directory.Exists(directory))
        {
            throw new ParquetOutputException($"the directory '{directory}' does not exist.", _path);
        }

        if (!_options.Overwrite && File.Exists(_path))
        {
            throw new ParquetOutputException("the file already exists and overwriting is off.", _path);
        }

        _tempPath = DurableFile.TempPathFor(_path);
        _schema = BuildSchema(_options);
        _pending = new List<SequenceRecord>(Math.Min(_options.RowGroupSize, 1 << 16));
        try
        {
            using var properties = new WriterPropertiesBuilder()
                .Compression(Compression.Snappy)
                .MaxRowGroupLength(_options.RowGroupSize)
                .Build();
            _writer = new ArrowFileWriter(_tempPath, _schema, properties);
        }
        catch (Exception e) when (e is ParquetException or IOException or UnauthorizedAccessException)
        {
            DurableFile.DeleteQuietly(_fileSystem, _tempPath);
            throw new ParquetOutputException($"the temporary file '{_tempPath}' cannot be created ({NativeErrorText.Of(e)}).", _path, innerException: e);
        }
    }

    private enum State
    {
        Open,
        Completed,
        Failed,
        Disposed,
    }

    /// <summary>Gets the full path of the file written on commit.</summary>
    public string FilePath => _path;

    /// <summary>Gets the number of records accepted so far.</summary>
    public long RecordsWritten { get; private set; }

    /// <summary>Writes one record.</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the record is buffered or written.</returns>
    /// <exception cref="ParquetOutputException">The record does not fit the columns, or writing failed.</exception>
    /// <exception cref="InvalidOperationException">The writer was completed, failed or disposed.</exception>
    public ValueTask WriteAsync(SequenceRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        EnsureOpen();
        Check(record);
        _pending.Add(record);
        RecordsWritten++;
        if (_pending.Count >= _options.RowGroupSize)
        {
            Flush();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Writes records in order.</summary>
    /// <param name="records">The records.</param>
    /// <param name="cancellationToken">Cancels the write between records.</param>
    /// <returns>A task that completes when the records are buffered or written.</returns>
    /// <exception cref="ParquetOutputException">A record does not fit the columns, or writing failed; the records
    /// before it are kept.</exception>
    /// <exception cref="InvalidOperationException">The writer was completed, failed or disposed.</exception>
    public async ValueTask WriteAsync(IEnumerable<SequenceRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            await WriteAsync(record, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the buffered records and the footer, then moves the file into place. This is the commit point.</summary>
    /// <param name="cancellationToken">Cancels before the commit starts.</param>
    /// <returns>A task that completes when the file is in place.</returns>
    /// <exception cref="ParquetOutputException">Writing or renaming failed; the target is unchanged and disposing
    /// the writer removes the temporary file.</exception>
    /// <exception cref="InvalidOperationException">The writer was completed, failed or disposed.</exception>
    public Task CompleteAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        EnsureOpen();
        try
        {
            Flush();
            var writer = _writer!;
            _writer = null;
            try
            {
                writer.Close();
            }
            catch (ParquetException e)
            {
                throw new ParquetOutputException($"the footer cannot be written ({NativeErrorText.Of(e)}).", _path, innerException: e);
            }
            finally
            {
                writer.Dispose();
            }

            try
            {
                // The native writer has closed the file; flush it, publish it, flush the directory.
                DurableFile.FlushExisting(_fileSystem, _tempPath);
                if (_options.Overwrite)
                {
                    DurableFile.Publish(_fileSystem, _tempPath, _path);
                }
                else if (!DurableFile.TryPublishNew(_fileSystem, _tempPath, _path))
                {
                    // Created by someone else while this file was written; overwriting is off, so it is kept.
                    throw new IOException($"The file '{_path}' already exists.");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ParquetOutputException($"the file cannot be moved into place ({NativeErrorText.Of(e)}).", _path, innerException: e);
            }

            _state = State.Completed;
            return Task.CompletedTask;
        }
        catch
        {
            _state = State.Failed;
            throw;
        }
    }

    /// <summary>Releases the native writer. Without a successful <see cref="CompleteAsync"/>, removes the temporary
    /// file and leaves the target untouched. Never throws.</summary>
    /// <returns>A task that completes when the writer is released.</returns>
    public ValueTask DisposeAsync()
    {
        if (_state == State.Disposed)
        {
            return ValueTask.CompletedTask;
        }

        var committed = _state == State.Completed;
        _state = State.Disposed;
        var writer = _writer;
        _writer = null;
        try
        {
            writer?.Dispose();
        }
        catch (Exception e) when (e is ParquetException or IOException)
        {
            // Disposal is best effort: the partial file is removed below and the target was never touched.
        }

        if (!committed)
        {
            DurableFile.DeleteQuietly(_fileSystem, _tempPath);
        }

        return ValueTask.CompletedTask;
    }

    private static Schema BuildSchema(ParquetSequenceWriterOptions options)
    {
        var builder = new Schema.Builder()
            .Field(f => f.Name(options.IdColumn).DataType(StringType.Default).Nullable(false))
            .Field(f => f.Name(options.SequenceColumn).DataType(StringType.Default).Nullable(false));
        foreach (var column in options.MetadataColumns)
        {
            builder.Field(f => f.Name(column.Name).DataType(ArrowType(column.Type)).Nullable(true));
        }

        return builder.Build();
    }

    private static IArrowType ArrowType(ParquetMetadataType type) => type switch
    {
        ParquetMetadataType.String => StringType.Default,
        ParquetMetadataType.Int32 => Int32Type.Default,
        ParquetMetadataType.Int64 => Int64Type.Default,
        ParquetMetadataType.Float => FloatType.Default,
        ParquetMetadataType.Double => DoubleType.Default,
        ParquetMetadataType.Boolean => BooleanType.Default,
        ParquetMetadataType.Date => Date32Type.Default,
        ParquetMetadataType.Timestamp => new TimestampType(Apache.Arrow.Types.TimeUnit.Microsecond, "UTC"),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown metadata type."),
    };

    private void EnsureOpen()
    {
        if (_state != State.Open)
        {
            throw new InvalidOperationException($"The Parquet writer for '{_path}' is {_state.ToString().ToLowerInvariant()}; no more records can be written.");
        }
    }

    private void Check(SequenceRecord record)
    {
        if (record.Id is null)
        {
            throw new ParquetOutputException($"record {RecordsWritten} has a null id.", _path, column: _options.IdColumn);
        }

        if (record.Sequence is null)
        {
            throw new ParquetOutputException("the sequence is null.", _path, record.Id, _options.SequenceColumn);
        }

        var known = 0;
        foreach (var column in _options.MetadataColumns)
        {
            if (!record.Metadata.TryGetValue(column.Name, out var value))
            {
                continue;
            }

            known++;
            if (value is not null && !Accepts(column.Type, value))
            {
                throw new ParquetOutputException(
                    $"a {value.GetType().Name} value cannot be written to a {column.Type} column.", _path, record.Id, column.Name);
            }
        }

        if (known != record.Metadata.Count)
        {
            var names = new HashSet<string>(_options.MetadataColumns.Select(c => c.Name), StringComparer.Ordinal);
            var unknown = record.Metadata.Keys.Where(k => !names.Contains(k)).Select(k => $"'{k}'");
            throw new ParquetOutputException($"the metadata has keys that are not columns of the file: {string.Join(", ", unknown)}.", _path, record.Id);
        }
    }

    private static bool Accepts(ParquetMetadataType type, object value) => type switch
    {
        ParquetMetadataType.String => value is string,
        ParquetMetadataType.Int32 => value is int or short or sbyte or byte or ushort,
        ParquetMetadataType.Int64 => value is long or int or short or sbyte or byte or ushort or uint,
        ParquetMetadataType.Float => value is float,
        ParquetMetadataType.Double => value is double or float,
        ParquetMetadataType.Boolean => value is bool,
        ParquetMetadataType.Date => value is DateOnly,
        ParquetMetadataType.Timestamp => value is DateTimeOffset or DateTime,
        _ => false,
    };

    private void Flush()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var arrays = new List<IArrowArray>(_schema.FieldsList.Count);
        try
        {
            arrays.Add(BuildStrings(_pending.Select(r => r.Id)));
            arrays.Add(BuildStrings(_pending.Select(r => r.Sequence)));
            foreach (var column in _options.MetadataColumns)
            {
                arrays.Add(BuildColumn(column));
            }

            using var batch = new RecordBatch(_schema, arrays, _pending.Count);
            _writer!.WriteRecordBatch(batch, _options.RowGroupSize);
        }
        catch (ParquetException e)
        {
            _state = State.Failed;
            throw new ParquetOutputException($"a row group cannot be written ({NativeErrorText.Of(e)}).", _path, innerException: e);
        }
        finally
        {
            _pending.Clear();
        }
    }

    private static StringArray BuildStrings(IEnumerable<string?> values)
    {
        var builder = new StringArray.Builder();
        foreach (var value in values)
        {
            if (value is null)
            {
                builder.AppendNull();
            }
            else
            {
                builder.Append(value);
            }
        }

        return builder.Build();
    }

    private IArrowArray BuildColumn(ParquetMetadataColumn column)
    {
        var values = _pending.Select(r => r.Metadata.GetValueOrDefault(column.Name));
        switch (column.Type)
        {
            case ParquetMetadataType.String:
                return BuildStrings(values.Select(v => (string?)v));
            case ParquetMetadataType.Int32:
                {
                    var builder = new Int32Array.Builder();
                    foreach (var v in values)
                    {
                        _ = v is null ? builder.AppendNull() : builder.Append(Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture));
                    }

                    return builder.Build();
                }

            case ParquetMetadataType.Int64:
                {
                    var builder = new Int64Array.Builder();
                    foreach (var v in values)
                    {
                        _ = v is null ? builder.AppendNull() : builder.Append(Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture));
                    }

                    return builder.Build();
                }

            case ParquetMetadataType.Float:
                {
                    var builder = new FloatArray.Builder();
                    foreach (var v in values)
                    {
                        _ = v is null ? builder.AppendNull() : builder.Append((float)v);
                    }

                    return builder.Build();
                }

            case ParquetMetadataType.Double:
                {
                    var builder = new DoubleArray.Builder();
                    foreach (var v in values)
                    {
                        _ = v switch
                        {
                            null => builder.AppendNull(),
                            float f => builder.Append(f),
                            _ => builder.Append((double)v),
                        };
                    }

                    return builder.Build();
                }

            case ParquetMetadataType.Boolean:
                {
                    var builder = new BooleanArray.Builder();
                    foreach (var v in values)
                    {
                        _ = v is null ? builder.AppendNull() : builder.Append((bool)v);
                    }

                    return builder.Build();
                }

            case ParquetMetadataType.Date:
                {
                    var builder = new Date32Array.Builder();
                    foreach (var v in values)
                    {
                        _ = v is null ? builder.AppendNull() : builder.Append((DateOnly)v);
                    }

                    return builder.Build();
                }

            case ParquetMetadataType.Timestamp:
                {
                    var builder = new TimestampArray.Builder((TimestampType)ArrowType(ParquetMetadataType.Timestamp));
                    foreach (var v in values)
                    {
                        _ = v switch
                        {
                            null => builder.AppendNull(),
                            DateTimeOffset o => builder.Append(o.ToUniversalTime()),
                            DateTime d => builder.Append(new DateTimeOffset(d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : DateTime.SpecifyKind(d, DateTimeKind.Utc))),
                            _ => throw new InvalidOperationException("Unreachable: values are checked when written."),
                        };
                    }

                    return builder.Build();
                }

            default:
                throw new InvalidOperationException($"Unknown metadata type {column.Type}.");
        }
    }
}
