using System.Runtime.CompilerServices;
using Apache.Arrow;
using Connectomics.Durability;
using Connectomics.Storage.Lance.Cleanup;
using Connectomics.Storage.Lance.Metadata;
using Connectomics.Storage.Lance.Schema;
using Connectomics.Storage.Lance.Search;
using Connectomics.Storage.Lance.Table;
using ArrowSchema = Apache.Arrow.Schema;

namespace Connectomics.Storage.Lance;

/// <summary>
/// One version of a Lance table directory, opened for reading: its schema, row count and a scan of selected
/// columns. Reads tables in data storage version 2.0 (including LanceDB-written ones) and 2.1 tables with
/// uncompressed encodings (as <see cref="LanceTableWriter"/> writes them); deleted rows are skipped.
/// </summary>
/// <remarks>An instance is immutable and safe to use from several threads; it keeps reading the version it opened.</remarks>
public sealed class LanceTable
{
    private readonly LoadedManifest _manifest;
    private readonly List<LanceFieldInfo> _fields;

    private LanceTable(string tablePath, LoadedManifest manifest)
    {
        TablePath = tablePath;
        _manifest = manifest;
        _fields = [.. manifest.Manifest.Fields.Where(f => f.ParentId == -1)];
        Schema = LanceSchemaConverter.ToArrow(manifest.Manifest.Fields, manifest.Manifest.SchemaMetadata);
    }

    /// <summary>Gets the table directory.</summary>
    public string TablePath { get; }

    /// <summary>Gets the version this instance reads.</summary>
    public ulong Version => _manifest.Manifest.Version;

    /// <summary>Gets the Arrow schema of the table.</summary>
    public ArrowSchema Schema { get; }

    /// <summary>Gets the data storage version of the table, or null when it has no data files and records none.</summary>
    public LanceDataStorageVersion? DataStorageVersion => _manifest.DataStorageVersion();

    /// <summary>Gets the commit time of this version, when recorded.</summary>
    public DateTimeOffset? Timestamp => _manifest.Manifest.Timestamp;

    /// <summary>Gets the number of fragments in this version.</summary>
    public int FragmentCount => _manifest.Manifest.Fragments.Count;

    /// <summary>Gets the number of live rows (deleted rows excluded).</summary>
    public long RowCount => _manifest.Manifest.Fragments.Sum(f => (long)f.LiveRows);

    /// <summary>Gets the manifest of this version.</summary>
    internal LoadedManifest Manifest => _manifest;

    /// <summary>Lists the committed versions of a table, oldest first.</summary>
    /// <param name="tablePath">The table directory.</param>
    /// <returns>The versions; empty when the directory holds no table.</returns>
    public static IReadOnlyList<ulong> ListVersions(string tablePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tablePath);
        return [.. TableLayout.ListVersions(tablePath).Keys];
    }

    /// <summary>
    /// Removes the versions of a table older than <see cref="LanceCleanupOptions.OlderThan"/> (never the latest, nor
    /// a version a tag names), then every data, deletion, transaction and staging file that no remaining version
    /// refers to and that is older than that too, such as the files a killed or failed write left behind. Like
    /// LanceDB's cleanup of old versions; LanceDB opens the table as before, with the same rows.
    /// </summary>
    /// <param name="tablePath">The table directory.</param>
    /// <param name="options">What to remove; null for the defaults (7 days, not a dry run).</param>
    /// <param name="cancellationToken">Cancels the operation between files.</param>
    /// <returns>What was removed, or in a dry run what would be.</returns>
    /// <remarks>
    /// Removed versions can no longer be opened. Files younger than the threshold are kept, so a writer at work
    /// keeps its uncommitted files; with a threshold of zero, run the cleanup only while no one writes to the table.
    /// Manifests are removed (and their directory flushed) before the files they referred to.
    /// </remarks>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    /// <exception cref="LanceTableNotFoundException">The directory does not exist.</exception>
    /// <exception cref="LanceFormatException">A manifest or a tag cannot be read; nothing was removed.</exception>
    /// <exception cref="IOException">A file cannot be removed.</exception>
    public static Task<LanceCleanupResult> CleanupAsync(string tablePath, LanceCleanupOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tablePath);
        options ??= new LanceCleanupOptions();
        options.Validate();
        return TableCleaner.CleanupAsync(tablePath, options, OperatingSystemFileSystem.Instance, cancellationToken);
    }

    /// <summary>Opens the latest version of a table.</summary>
    /// <param name="tablePath">The table directory, conventionally <c>&lt;db&gt;/&lt;name&gt;.lance</c>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The table.</returns>
    /// <exception cref="LanceTableNotFoundException">The directory holds no table version; the exception lists the tables beside it.</exception>
    /// <exception cref="LanceFormatException">The manifest is malformed or uses features this library does not read.</exception>
    public static async Task<LanceTable> OpenAsync(string tablePath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tablePath);
        var manifest = await LoadedManifest.ReadLatestAsync(tablePath, cancellationToken).ConfigureAwait(false)
            ?? throw new LanceTableNotFoundException(tablePath, LanceDatabase.ListTables(Path.GetDirectoryName(Path.GetFullPath(tablePath)) ?? tablePath));
        return Create(tablePath, manifest);
    }

    /// <summary>Opens a given version of a table.</summary>
    /// <param name="tablePath">The table directory.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The table at that version.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The version does not exist.</exception>
    public static async Task<LanceTable> OpenAsync(string tablePath, ulong version, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tablePath);
        if (!TableLayout.ListVersions(tablePath).TryGetValue(version, out var path))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"'{tablePath}' has no version {version}.");
        }

        return Create(tablePath, await LoadedManifest.ReadAsync(path, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Reads the live rows of selected columns in fragment order, one record batch per page (the batches a table
    /// was written in) or per fragment when its columns are paged differently. Vector columns
    /// come back as <see cref="FixedSizeListArray"/>; <see cref="LanceVectors"/> gives their values as spans.
    /// </summary>
    /// <param name="columns">The column names, in the order wanted; null for all columns.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The batches.</returns>
    /// <exception cref="ArgumentException">A column does not exist.</exception>
    /// <exception cref="LanceFormatException">A data file is malformed or uses an encoding this library does not read.</exception>
    public IAsyncEnumerable<RecordBatch> ScanAsync(IReadOnlyList<string>? columns = null, CancellationToken cancellationToken = default)
    {
        var selected = columns is null
            ? [.. Enumerable.Range(0, _fields.Count)]
            : columns.Select(name =>
            {
                var index = _fields.FindIndex(f => f.Name == name);
                return index >= 0 ? index : throw new ArgumentException($"The table has no column '{name}'.", nameof(columns));
            }).ToList();
        return ScanCoreAsync(selected, cancellationToken);
    }

    /// <summary>
    /// Starts an exact k-nearest-neighbour search for the rows whose vectors are nearest to <paramref name="vector"/>;
    /// configure it with <see cref="VectorQuery.Metric"/>, <see cref="VectorQuery.Limit"/>, <see cref="VectorQuery.Where"/>
    /// and <see cref="VectorQuery.Select"/>, then run it with <see cref="VectorQuery.ToBatchAsync"/>.
    /// </summary>
    /// <param name="vector">The query vector; it is copied.</param>
    /// <param name="vectorColumn">The vector column (a fixed-size list of float32) to search.</param>
    /// <returns>The query.</returns>
    /// <exception cref="ArgumentException">The column does not exist or is not a float32 vector column, the query's
    /// dimension differs from the column's, or the query holds NaN or an infinity.</exception>
    public VectorQuery Search(ReadOnlyMemory<float> vector, string vectorColumn = "vector") => new(this, vector, vectorColumn);

    /// <summary>Opens the batches of one fragment (by its index in scan order) for the given columns.</summary>
    internal Task<FragmentScan> OpenFragmentScanAsync(int fragment, IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        var selected = columns.Select(name =>
        {
            var index = _fields.FindIndex(f => f.Name == name);
            return index >= 0 ? index : throw new ArgumentException($"The table has no column '{name}'.", nameof(columns));
        }).ToList();
        return OpenFragmentScanAsync(_manifest.Manifest.Fragments[fragment], selected, cancellationToken);
    }

    /// <summary>Opens a version already read, checking that this library reads its features.</summary>
    internal static LanceTable Create(string tablePath, LoadedManifest manifest)
    {
        TableFeatures.EnsureReadable(manifest);
        return new LanceTable(tablePath, manifest);
    }

    private async IAsyncEnumerable<RecordBatch> ScanCoreAsync(List<int> selected, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var fragment in _manifest.Manifest.Fragments)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scan = await OpenFragmentScanAsync(fragment, selected, cancellationToken).ConfigureAwait(false);
            for (var k = 0; k < scan.BatchCount; k++)
            {
                var batch = await scan.ReadBatchAsync(k, cancellationToken).ConfigureAwait(false);
                if (scan.HasDeletions)
                {
                    batch = RemoveRows(batch, scan, scan.BatchStart(k));
                }

                if (batch.Length > 0)
                {
                    yield return batch;
                }
            }
        }
    }

    private Task<FragmentScan> OpenFragmentScanAsync(FragmentInfo fragment, List<int> selected, CancellationToken cancellationToken)
    {
        var schemaBuilder = new ArrowSchema.Builder();
        foreach (var i in selected)
        {
            schemaBuilder.Field(Schema.FieldsList[i]);
        }

        return FragmentScan.OpenAsync(TablePath, fragment, [.. selected.Select(i => _fields[i])], schemaBuilder.Build(), cancellationToken);
    }

    private static RecordBatch RemoveRows(RecordBatch batch, FragmentScan scan, long firstRow)
    {
        var runs = new List<(int Start, int Length)>();
        var start = -1;
        for (var r = 0; r <= batch.Length; r++)
        {
            var keep = r < batch.Length && !scan.IsDeleted(firstRow + r);
            if (keep && start < 0)
            {
                start = r;
            }
            else if (!keep && start >= 0)
            {
                runs.Add((start, r - start));
                start = -1;
            }
        }

        var live = runs.Sum(run => run.Length);
        var arrays = new IArrowArray[batch.ColumnCount];
        for (var c = 0; c < batch.ColumnCount; c++)
        {
            var column = batch.Column(c);
            var pieces = runs.Select(run => ArrowArrayFactory.Slice(column, run.Start, run.Length)).ToList();
            arrays[c] = pieces.Count switch
            {
                0 => ArrowArrayFactory.Slice(column, 0, 0),
                1 => pieces[0],
                _ => ArrowArrayConcatenator.Concatenate(pieces),
            };
        }

        return new RecordBatch(batch.Schema, arrays, live);
    }
}
