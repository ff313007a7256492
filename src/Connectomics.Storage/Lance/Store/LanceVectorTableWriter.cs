using Connectomics.Chunks;
using Connectomics.Durability;
using Connectomics.Storage.Lance.Files;
using Connectomics.Storage.Lance.Metadata;
using Connectomics.Storage.Lance.Schema;
using Connectomics.Storage.Lance.Table;
using Connectomics.Storage.Lance.Validation;
using Connectomics.Stores;
using ArrowSchema = Apache.Arrow.Schema;

namespace Connectomics.Storage.Lance.Store;

/// <summary>
/// Writes one shard of one run into a <see cref="LanceVectorTable"/>: rows go into data files named after the run and
/// shard (<see cref="OwnedDataFileNames"/>) as they come, a page at a time (at least
/// <see cref="LanceWriteOptions.MinRowsPerPage"/> rows, at most <see cref="LanceWriteOptions.MaxRowsPerFragment"/> per
/// file), so memory stays bounded however many rows wait for a commit. A commit closes and flushes the open file and
/// publishes the pending fragments and the tag in one Lance version.
/// </summary>
/// <remarks>Not thread-safe: call its methods one at a time.</remarks>
internal sealed class LanceVectorTableWriter : IVectorTableWriter
{
    private readonly LanceVectorTable _table;
    private readonly string _runId;
    private readonly ShardAssignment _shard;
    private readonly OwnedDataFileNames _names;
    private readonly LanceWriteOptions _options;
    private readonly List<LanceFieldInfo> _fields;
    private readonly ArrowSchema _schema;
    private readonly BatchValidator _validator;
    private readonly LanceDataStorageVersion _dataStorageVersion;
    private readonly List<string> _pendingFiles = [];
    private readonly FragmentFileWriter _files;
    private long _committedRows;
    private bool _broken;
    private bool _disposed;

    private LanceVectorTableWriter(LanceVectorTable table, LoadedManifest latest, string runId, ShardAssignment shard)
    {
        _table = table;
        _runId = runId;
        _shard = shard;
        _names = new OwnedDataFileNames(runId, shard);
        _options = table.Store.WriteOptions;
        _fields = [.. latest.Manifest.Fields.Where(f => f.ParentId == -1)];
        _schema = LanceSchemaConverter.ToArrow(_fields, latest.Manifest.SchemaMetadata);
        List<ColumnType> types = [.. _schema.FieldsList.Select(f => LanceSchemaConverter.Describe(f.DataType)!)];
        _validator = new BatchValidator(table.TablePath, _schema, _options.NonFiniteVectors);
        _dataStorageVersion = latest.DataStorageVersion() ?? _options.DataStorageVersion;
        _files = new FragmentFileWriter(DataDirectory, _names.NewName, _pendingFiles.Add, _options, _fields, types, _dataStorageVersion);
    }

    /// <inheritdoc />
    public long PendingRows => _files.RowsTaken - _committedRows;

    private string TablePath => _table.TablePath;

    private string DataDirectory => Path.Combine(TablePath, TableLayout.DataDirectory);

    /// <summary>Opens a writer on the table's latest version.</summary>
    /// <exception cref="LanceSchemaMismatchException">The table's columns are not the id, the record columns and the vector, in that order.</exception>
    public static LanceVectorTableWriter Open(LanceVectorTable table, LoadedManifest latest, string runId, ShardAssignment shard)
    {
        TableFeatures.EnsureWritable(latest);
        var definition = table.Definition;
        var order = latest.Manifest.Fields.Where(f => f.ParentId == -1).Select(f => f.Name).ToList();
        List<string> expected = [definition.IdColumn, .. definition.Columns.Select(c => c.Name), definition.VectorColumn];
        if (!order.SequenceEqual(expected, StringComparer.Ordinal))
        {
            throw new LanceSchemaMismatchException(table.Name, table.Store.Location, [$"has its columns in the order {string.Join(", ", order)}; a vector table writer writes the id first and the vector last"]);
        }

        DurableFile.CreateDirectory(table.Store.WriteOptions.FileSystem, Path.Combine(table.TablePath, TableLayout.DataDirectory));
        return new LanceVectorTableWriter(table, latest, runId, shard);
    }

    /// <inheritdoc />
    public async Task<int> RemoveUncommittedAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        if (!Directory.Exists(DataDirectory))
        {
            return 0;
        }

        var mine = _pendingFiles.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        var candidates = Directory.EnumerateFiles(DataDirectory)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(n => _names.IsOwned(n) && !mine.Contains(n))
            .ToHashSet(StringComparer.Ordinal);

        // Whatever any version refers to stays, however old the version; the newest versions refer to the most files.
        foreach (var (_, path) in TableLayout.ListVersions(TablePath).Reverse())
        {
            if (candidates.Count == 0)
            {
                break;
            }

            cancellationToken.ThrowIfCancellationRequested();
            LoadedManifest manifest;
            try
            {
                manifest = await LoadedManifest.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (FileNotFoundException)
            {
                continue;
            }

            foreach (var file in manifest.Manifest.Fragments.SelectMany(f => f.Files))
            {
                candidates.Remove(file.Path);
            }
        }

        foreach (var name in candidates)
        {
            _options.FileSystem.Delete(Path.Combine(DataDirectory, name));
        }

        if (candidates.Count > 0)
        {
            Log.UncommittedFilesRemoved(_table.Store.Logger, TablePath, _runId, _shard.ToString(), candidates.Count);
        }

        return candidates.Count;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">
    /// The batch does not fit the table (dimension, columns, value types, nulls, or NaN or infinity in a vector); the
    /// message names the table, the column and the row. Nothing of the batch is written and the writer stays usable.
    /// </exception>
    public async ValueTask WriteAsync(VectorBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ThrowIfUnusable();
        if (batch.Count == 0)
        {
            return;
        }

        var rows = VectorBatchConversion.ToRecordBatch(batch, _schema, _table.Definition, _table.Name);
        _validator.Check(rows, PendingRows);
        try
        {
            await _files.WriteAsync(rows, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _broken = true;
            throw;
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The tag is of another run or shard.</exception>
    /// <exception cref="LanceCommitConflictException">Another writer overwrote or restored the table first; the rows stay pending.</exception>
    /// <exception cref="LanceSchemaMismatchException">The table was replaced with other columns since the writer opened.</exception>
    public Task<ulong> CommitAsync(CommitTag tag, CancellationToken cancellationToken = default) =>
        CommitCoreAsync(tag, TransactionInfo.AppendOperation, cancellationToken);

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The tag is of another run or shard.</exception>
    /// <exception cref="LanceSchemaMismatchException">The table was replaced with other columns since the writer opened.</exception>
    public Task<ulong> ReplaceAsync(CommitTag tag, CancellationToken cancellationToken = default) =>
        CommitCoreAsync(tag, TransactionInfo.OverwriteOperation, cancellationToken);

    /// <summary>Releases the writer and deletes the data files of rows it did not commit. Never throws.</summary>
    /// <returns>A task that completes when the writer is released.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _files.DisposeAsync().ConfigureAwait(false);
        foreach (var file in _pendingFiles)
        {
            DurableFile.DeleteQuietly(_options.FileSystem, file);
        }

        _pendingFiles.Clear();
        _files.Fragments.Clear();
    }

    private async Task<ulong> CommitCoreAsync(CommitTag tag, int operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (tag.RunId != _runId || tag.Shard != _shard)
        {
            throw new ArgumentException($"The tag is of run '{tag.RunId}' shard {tag.Shard}; this writer writes run '{_runId}' shard {_shard}.", nameof(tag));
        }

        ThrowIfUnusable();
        var started = _options.TimeProvider.GetTimestamp();
        try
        {
            await _files.CloseFileAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _broken = true;
            throw;
        }

        var latest = await LoadedManifest.ReadLatestAsync(TablePath, cancellationToken).ConfigureAwait(false)
            ?? throw new LanceTableNotFoundException(TablePath, LanceDatabase.ListTables(_table.Store.Location));
        TableFeatures.EnsureWritable(latest);
        EnsureSameColumns(latest);
        var request = new CommitRequest
        {
            TablePath = TablePath,
            Operation = operation,
            MustCreate = false,
            ReadVersion = latest.Manifest.Version,
            Base = latest,
            Schema = _fields,
            SchemaMetadata = latest.Manifest.SchemaMetadata,
            NewFragments = _files.Fragments,
            Properties = CommitTagProperties.Encode(tag),
            DataFormatVersion = _dataStorageVersion == LanceDataStorageVersion.V2_0 ? "2.0" : "2.1",
            TimeProvider = _options.TimeProvider,
            Telemetry = _table.Store.Telemetry,
            Logger = _table.Store.Logger,
            FileSystem = _options.FileSystem,
        };
        var mode = operation == TransactionInfo.AppendOperation ? "append" : "overwrite";
        ulong version;
        try
        {
            version = await TableCommitter.CommitAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch when (request.PublishedVersion is { } published)
        {
            // The manifest has its name, so the version is visible and refers to the files: they are committed.
            await CommittedAsync(published, tag, mode, started).ConfigureAwait(false);
            throw;
        }
        catch (LanceCommitConflictException conflict)
        {
            // Nothing was published: the files stay pending, for another commit or for DisposeAsync to remove.
            _table.Store.Telemetry.LanceConflict("refused");
            Log.CommitConflict(_table.Store.Logger, conflict.TablePath ?? TablePath, conflict.ReadVersion, conflict.Message);
            throw;
        }

        await CommittedAsync(version, tag, mode, started).ConfigureAwait(false);
        return version;
    }

    private async Task CommittedAsync(ulong version, CommitTag tag, string mode, long started)
    {
        var bytes = _files.Fragments.Sum(f => f.Files.Sum(d => (long)d.FileSizeBytes));
        _table.Store.Telemetry.LanceCommitted(mode, PendingRows, bytes, _options.TimeProvider.GetElapsedTime(started));
        Log.TaggedCommit(_table.Store.Logger, TablePath, version, mode, _runId, _shard.ToString(), tag.Position.ToString(), PendingRows, _files.Fragments.Count);
        _files.Fragments.Clear();
        _pendingFiles.Clear();
        _committedRows = _files.RowsTaken;
        try
        {
            var path = Path.Combine(TablePath, TableLayout.VersionsDirectory, TableLayout.ManifestFileName(version));
            _table.Advance(LanceTable.Create(TablePath, await LoadedManifest.ReadAsync(path, CancellationToken.None).ConfigureAwait(false)));
        }
        catch (Exception e) when (e is IOException or LanceFormatException)
        {
            // The handle keeps its older version; the commit itself is published.
        }
    }

    /// <summary>Refuses to commit files written for columns the table no longer has (it was replaced meanwhile).</summary>
    private void EnsureSameColumns(LoadedManifest latest)
    {
        var fields = latest.Manifest.Fields.Where(f => f.ParentId == -1).ToList();
        var same = fields.Count == _fields.Count
            && fields.Zip(_fields).All(p => p.First.Name == p.Second.Name && p.First.Id == p.Second.Id && p.First.LogicalType == p.Second.LogicalType && p.First.ParentId == p.Second.ParentId);
        if (!same)
        {
            var now = LanceSchemaConverter.ToArrow(fields, latest.Manifest.SchemaMetadata);
            var differences = VectorTableSchema.Differences(now, _schema, _table.Definition.VectorColumn);
            throw new LanceSchemaMismatchException(
                _table.Name,
                _table.Store.Location,
                differences.Count > 0 ? differences : ["was replaced since this writer opened it, with columns of other field ids"]);
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_broken)
        {
            throw new InvalidOperationException("A previous write failed; dispose this writer and open another.");
        }
    }
}
