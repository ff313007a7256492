using Apache.Arrow;
using Connectomics.Chunks;
using Connectomics.Storage.Lance.Metadata;
using Connectomics.Storage.Lance.Search;
using Connectomics.Storage.Lance.Table;
using Connectomics.Stores;

namespace Connectomics.Storage.Lance.Store;

/// <summary>
/// A Lance table of a <see cref="LanceVectorStore"/>: its definition read back from the schema and its metadata, the
/// version it was opened or last committed at, the commits runs tagged in it, exact search, and tagged writers.
/// </summary>
internal sealed class LanceVectorTable : IVectorTable
{
    private readonly Lock _gate = new();
    private LanceTable _snapshot;

    private LanceVectorTable(LanceVectorStore store, string name, LanceTable snapshot, VectorTableDefinition definition)
    {
        Store = store;
        Name = name;
        _snapshot = snapshot;
        Definition = definition;
    }

    /// <inheritdoc />
    public VectorTableDefinition Definition { get; }

    /// <inheritdoc />
    public ulong Version => Snapshot.Version;

    /// <inheritdoc />
    public long RowCount => Snapshot.RowCount;

    /// <summary>Gets the table's name in its store.</summary>
    public string Name { get; }

    /// <summary>Gets the table directory.</summary>
    public string TablePath => Snapshot.TablePath;

    /// <summary>Gets the store.</summary>
    public LanceVectorStore Store { get; }

    /// <summary>Gets the version this handle sees.</summary>
    public LanceTable Snapshot
    {
        get
        {
            lock (_gate)
            {
                return _snapshot;
            }
        }
    }

    /// <summary>Opens a table at a version already read.</summary>
    /// <exception cref="LanceSchemaMismatchException">The table has no id or vector column, or a column a vector table cannot hold.</exception>
    public static LanceVectorTable Open(LanceVectorStore store, string name, string tablePath, LoadedManifest manifest)
    {
        var snapshot = LanceTable.Create(tablePath, manifest);
        return new LanceVectorTable(store, name, snapshot, VectorTableSchema.FromArrow(name, store.Location, snapshot.Schema));
    }

    /// <summary>Moves the handle to a newer version (one a writer of this handle committed).</summary>
    public void Advance(LanceTable newer)
    {
        lock (_gate)
        {
            if (newer.Version > _snapshot.Version)
            {
                _snapshot = newer;
            }
        }
    }

    /// <inheritdoc />
    public async Task<CommitRecord?> FindLastCommitAsync(string runId, ShardAssignment shard, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(shard);
        foreach (var (version, path) in TableLayout.ListVersions(TablePath).Reverse())
        {
            cancellationToken.ThrowIfCancellationRequested();
            LoadedManifest manifest;
            try
            {
                manifest = await LoadedManifest.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (FileNotFoundException)
            {
                // Removed by a cleanup of old versions since the listing.
                continue;
            }

            var transaction = await manifest.ReadTransactionAsync(TablePath, cancellationToken).ConfigureAwait(false);
            if (transaction is null)
            {
                continue;
            }

            if (CommitTagProperties.IsOf(transaction.Properties, runId, shard))
            {
                return new CommitRecord(version, CommitTagProperties.Decode(transaction.Properties, path), manifest.Manifest.Timestamp);
            }

            if (transaction.Operation is TransactionInfo.OverwriteOperation or TransactionInfo.RestoreOperation)
            {
                // The contents were replaced here: nothing older is in the table any more.
                return null;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<VectorMatch>> SearchAsync(ReadOnlyMemory<float> vector, int limit, VectorMetric metric = VectorMetric.L2, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var latest = await LanceTable.OpenAsync(TablePath, cancellationToken).ConfigureAwait(false);
        var columns = latest.Schema.FieldsList.Select(f => f.Name).Where(n => n != Definition.VectorColumn).ToArray();
        var distance = metric switch
        {
            VectorMetric.L2 => DistanceMetric.L2,
            VectorMetric.Cosine => DistanceMetric.Cosine,
            VectorMetric.Dot => DistanceMetric.Dot,
            _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
        };
        using var batch = await latest.Search(vector, Definition.VectorColumn).Metric(distance).Limit(limit).Select(columns).ToBatchAsync(cancellationToken).ConfigureAwait(false);
        var idIndex = System.Array.IndexOf(columns, Definition.IdColumn);
        var distances = (FloatArray)batch.Column(columns.Length);
        var matches = new List<VectorMatch>(batch.Length);
        for (var r = 0; r < batch.Length; r++)
        {
            var values = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var c = 0; c < columns.Length; c++)
            {
                if (c != idIndex)
                {
                    values[columns[c]] = ArrowCellReader.Read(batch.Column(c), r);
                }
            }

            matches.Add(new VectorMatch(((StringArray)batch.Column(idIndex)).GetString(r), distances.GetValue(r) ?? float.NaN, values));
        }

        return matches;
    }

    /// <inheritdoc />
    public async Task<IVectorTableWriter> OpenWriterAsync(string runId, ShardAssignment shard, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(shard);
        var latest = await LoadedManifest.ReadLatestAsync(TablePath, cancellationToken).ConfigureAwait(false)
            ?? throw new LanceTableNotFoundException(TablePath, LanceDatabase.ListTables(Store.Location));
        return LanceVectorTableWriter.Open(this, latest, runId, shard);
    }
}
