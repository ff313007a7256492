using Apache.Arrow;
using Connectomics.Durability;
using Connectomics.Storage.Lance.Files;
using Connectomics.Storage.Lance.Metadata;
using Connectomics.Storage.Lance.Schema;
using Connectomics.Storage.Lance.Table;
using Connectomics.Storage.Lance.Validation;
using Connectomics.Storage.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ArrowSchema = Apache.Arrow.Schema;

namespace Connectomics.Storage.Lance;

/// <summary>
/// Streams Arrow record batches into a Lance table directory (<c>&lt;db&gt;/&lt;table&gt;.lance</c>) that the
/// official LanceDB clients open. Rows are cut into fragments of at most
/// <see cref="LanceWriteOptions.MaxRowsPerFragment"/> rows (one data file each); batches smaller than
/// <see cref="LanceWriteOptions.MinRowsPerPage"/> are combined into larger pages.
/// Nothing is visible to readers until <see cref="CompleteAsync"/> commits a new version.
/// </summary>
/// <remarks>
/// <para>
/// A writer is not thread-safe: call its methods one at a time. Several writers (in this or other processes,
/// including LanceDB) may append to the same table concurrently; commits are atomic and an append that loses a
/// race is rebuilt on the newer version unless that version overwrote or restored the table.
/// <see cref="DisposeAsync"/> without a successful <see cref="CompleteAsync"/> deletes the data files written so far.
/// </para>
/// <para>
/// The caller keeps ownership of every batch it writes: once <see cref="WriteAsync(RecordBatch, CancellationToken)"/>
/// returns, the writer holds nothing that disposing the batch frees, so the caller may dispose it (or return it to
/// the reader that made it) at once. Rows that wait for a fuller page (fewer than
/// <see cref="LanceWriteOptions.MinRowsPerPage"/>) are copied before the call returns when their buffers are native
/// memory (Arrow's default allocator, ParquetSharp, the C data interface); buffers backed by managed arrays are
/// immutable and are kept without a copy.
/// </para>
/// </remarks>
public sealed class LanceTableWriter : IAsyncDisposable
{
    private readonly string _tablePath;
    private readonly LanceWriteOptions _options;
    private readonly LoadedManifest? _base;
    private readonly List<LanceFieldInfo> _fields;
    private readonly BatchValidator _validator;
    private readonly StorageTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly List<string> _writtenFiles = [];
    private readonly FragmentFileWriter _files;
    private CommitRequest? _request;
    private bool _completed;
    private bool _failed;

    private LanceTableWriter(string tablePath, ArrowSchema schema, LanceWriteOptions options, LoadedManifest? baseManifest, List<LanceFieldInfo> fields, LanceDataStorageVersion version, StorageTelemetry telemetry, ILogger logger)
    {
        _telemetry = telemetry;
        _logger = logger;
        _tablePath = tablePath;
        _options = options;
        _base = baseManifest;
        _fields = fields;
        List<ColumnType> types = [.. schema.FieldsList.Select(f => LanceSchemaConverter.Describe(f.DataType)!)];
        _validator = new BatchValidator(tablePath, schema, options.NonFiniteVectors);
        Schema = schema;
        DataStorageVersion = version;
        _files = new FragmentFileWriter(Path.Combine(tablePath, TableLayout.DataDirectory), TableLayout.NewDataFileName, _writtenFiles.Add, options, fields, types, version);
    }

    /// <summary>Gets the schema batches must have.</summary>
    public ArrowSchema Schema { get; }

    /// <summary>Gets the data file format version this writer writes.</summary>
    public LanceDataStorageVersion DataStorageVersion { get; }

    /// <summary>Gets the number of rows written so far.</summary>
    public long RowsWritten => _files.RowsTaken;

    /// <summary>Gets the version committed by <see cref="CompleteAsync"/>, or null before.</summary>
    public ulong? CommittedVersion { get; private set; }

    /// <summary>Opens a writer on a table directory.</summary>
    /// <param name="tablePath">The table directory, conventionally <c>&lt;db&gt;/&lt;name&gt;.lance</c>.</param>
    /// <param name="schema">The schema of the rows. For appends it must match the table's column names and types.</param>
    /// <param name="options">The options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The writer.</returns>
    /// <exception cref="ArgumentException">The schema has a column type Lance tables written by this library do not support.</exception>
    /// <exception cref="LanceCommitConflictException">The mode is <see cref="LanceWriteMode.Create"/> and the table exists.</exception>
    /// <exception cref="LanceFormatException">
    /// The existing table cannot be read, has writer feature flags or a data storage version this library does not
    /// write, or its schema differs from <paramref name="schema"/> (append); the message names every difference.
    /// </exception>
    public static Task<LanceTableWriter> OpenAsync(string tablePath, ArrowSchema schema, LanceWriteOptions? options = null, CancellationToken cancellationToken = default) =>
        OpenAsync(tablePath, schema, options, StorageTelemetry.Shared, NullLogger.Instance, cancellationToken);

    /// <summary>Opens a writer that records its commits on the given telemetry and logger.</summary>
    internal static async Task<LanceTableWriter> OpenAsync(string tablePath, ArrowSchema schema, LanceWriteOptions? options, StorageTelemetry telemetry, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tablePath);
        ArgumentNullException.ThrowIfNull(schema);
        options ??= new LanceWriteOptions();
        var fields = LanceSchemaConverter.ToLance(schema);
        var latest = await LoadedManifest.ReadLatestAsync(tablePath, cancellationToken).ConfigureAwait(false);
        var version = options.DataStorageVersion;
        switch (options.Mode)
        {
            case LanceWriteMode.Create when latest is not null:
                throw new LanceCommitConflictException("The table already exists.", tablePath, latest.Manifest.Version);
            case LanceWriteMode.Append when latest is not null:
                TableFeatures.EnsureWritable(latest);
                fields = TableSchemaMatcher.Match(latest, schema);
                version = latest.DataStorageVersion() ?? version;
                break;
            case LanceWriteMode.Overwrite when latest is not null:
                TableFeatures.EnsureWritable(latest);
                break;
        }

        DurableFile.CreateDirectory(options.FileSystem, Path.Combine(tablePath, TableLayout.DataDirectory));
        return new LanceTableWriter(tablePath, schema, options, latest, fields, version, telemetry, logger);
    }

    /// <summary>Writes a batch. Its schema must have the writer's column names and types, in order.</summary>
    /// <param name="batch">The rows. The caller still owns it and may dispose it as soon as the call returns.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the batch is written to data files.</returns>
    /// <exception cref="ArgumentException">
    /// The batch does not match the schema (the message names the column and both types or vector dimensions), has a
    /// null in a non-nullable column, or has NaN or infinity in a vector column while
    /// <see cref="LanceWriteOptions.NonFiniteVectors"/> is <see cref="LanceNonFiniteVectors.Reject"/> (the message names
    /// the row, counted from 0 across the writer's rows). Nothing of the batch is written and the writer stays usable.
    /// </exception>
    public async ValueTask WriteAsync(RecordBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ThrowIfDone();
        _validator.Check(batch, RowsWritten);
        try
        {
            await _files.WriteAsync(batch, cancellationToken).ConfigureAwait(false);

            // What waits for a fuller page must outlive the caller's batch.
            _files.CopyWaitingRows();
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    /// <summary>Writes several batches.</summary>
    /// <param name="batches">The rows. The caller still owns each batch and may dispose it once the next one is asked for.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when every batch is written.</returns>
    public async ValueTask WriteAsync(IAsyncEnumerable<RecordBatch> batches, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batches);
        await foreach (var batch in batches.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Finishes the data files and commits a new table version. This is the commit point.</summary>
    /// <param name="cancellationToken">Cancels the operation (before the manifest is published).</param>
    /// <returns>The committed version. An append of zero rows commits nothing and returns the current version.</returns>
    /// <exception cref="LanceCommitConflictException">Another writer committed an incompatible change first.</exception>
    /// <exception cref="IOException">
    /// A file or directory cannot be written or flushed to storage. If the manifest was already published (only its
    /// directory could not be flushed), the version is visible: <see cref="CommittedVersion"/> is set and the data
    /// files are kept.
    /// </exception>
    public async Task<ulong> CompleteAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDone();
        var started = _options.TimeProvider.GetTimestamp();
        try
        {
            await _files.CloseFileAsync(cancellationToken).ConfigureAwait(false);
            if (_options.Mode == LanceWriteMode.Append && _base is not null && _files.Fragments.Count == 0)
            {
                _completed = true;
                CommittedVersion = _base.Manifest.Version;
                return _base.Manifest.Version;
            }

            var append = _options.Mode == LanceWriteMode.Append && _base is not null;
            var request = _request = new CommitRequest
            {
                TablePath = _tablePath,
                Operation = append ? TransactionInfo.AppendOperation : TransactionInfo.OverwriteOperation,
                MustCreate = _options.Mode == LanceWriteMode.Create || (_options.Mode == LanceWriteMode.Append && _base is null),
                ReadVersion = _base?.Manifest.Version ?? 0,
                Base = _base,
                Schema = _fields,
                NewFragments = _files.Fragments,
                DataFormatVersion = DataStorageVersion == LanceDataStorageVersion.V2_0 ? "2.0" : "2.1",
                TimeProvider = _options.TimeProvider,
                Telemetry = _telemetry,
                Logger = _logger,
                FileSystem = _options.FileSystem,
            };
            var version = await TableCommitter.CommitAsync(request, cancellationToken).ConfigureAwait(false);
            _completed = true;
            CommittedVersion = version;
            var bytes = _files.Fragments.Sum(f => f.Files.Sum(d => (long)d.FileSizeBytes));
            var mode = ModeName(_options.Mode);
            _telemetry.LanceCommitted(mode, RowsWritten, bytes, _options.TimeProvider.GetElapsedTime(started));
            Log.TableCommitted(_logger, _tablePath, version, mode, RowsWritten, _files.Fragments.Count, bytes);
            return version;
        }
        catch when (_request?.PublishedVersion is { } published)
        {
            // The manifest is under its final name, so the version is visible and references the data files: keep
            // them, though the commit failed after that (flushing the directory).
            _completed = true;
            CommittedVersion = published;
            throw;
        }
        catch (Exception error)
        {
            if (error is LanceCommitConflictException conflict)
            {
                _telemetry.LanceConflict("refused");
                Log.CommitConflict(_logger, conflict.TablePath ?? _tablePath, conflict.ReadVersion, conflict.Message);
            }

            _failed = true;
            throw;
        }
    }

    /// <summary>Releases the writer. Without a successful commit, deletes the data files it wrote. Never throws.</summary>
    /// <returns>A task that completes when the writer is released.</returns>
    public async ValueTask DisposeAsync()
    {
        await _files.DisposeAsync().ConfigureAwait(false);
        if (!_completed)
        {
            foreach (var file in _writtenFiles)
            {
                DurableFile.DeleteQuietly(_options.FileSystem, file);
            }
        }

        _completed = true;
    }

    private static string ModeName(LanceWriteMode mode) => mode switch
    {
        LanceWriteMode.Create => "create",
        LanceWriteMode.Append => "append",
        LanceWriteMode.Overwrite => "overwrite",
        _ => "unknown",
    };

    private void ThrowIfDone()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_failed)
        {
            throw new InvalidOperationException("A previous write or commit failed; dispose this writer and start again.");
        }
    }
}
