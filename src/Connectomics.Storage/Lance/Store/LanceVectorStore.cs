using System.Diagnostics.Metrics;
using System.Text;
using Connectomics.Durability;
using Connectomics.Storage.Lance.Metadata;
using Connectomics.Storage.Lance.Schema;
using Connectomics.Storage.Lance.Store;
using Connectomics.Storage.Lance.Table;
using Connectomics.Storage.Telemetry;
using Connectomics.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Connectomics.Storage.Lance;

/// <summary>
/// A LanceDB database directory as an <see cref="IVectorStore"/>: tables are <c>&lt;directory&gt;/&lt;name&gt;.lance</c>,
/// which the official LanceDB clients open, search and append to. Writers publish their rows and a
/// <see cref="CommitTag"/> in one Lance commit (the tag travels as the commit's transaction properties), so a
/// committed row is never without the input position that produced it.
/// </summary>
/// <remarks>An instance holds only the directory and where it reports (logger and meter); it is safe to use from
/// several threads, and several processes may use the same directory at once.</remarks>
public sealed class LanceVectorStore : IVectorStore
{
    private readonly LanceDatabase _database;

    private LanceVectorStore(LanceDatabase database, StorageTelemetry telemetry, ILogger logger)
    {
        _database = database;
        Telemetry = telemetry;
        Logger = logger;
    }

    /// <inheritdoc />
    public string Location => _database.Directory;

    /// <summary>Gets the options of the writers' data files and commits (defaults; tests shrink the files).</summary>
    internal LanceWriteOptions WriteOptions { get; init; } = new();

    /// <summary>Gets the metrics commits are recorded on.</summary>
    internal StorageTelemetry Telemetry { get; }

    /// <summary>Gets the logger of table creation, commits and removed files.</summary>
    internal ILogger Logger { get; }

    /// <summary>Opens a LanceDB database directory. Nothing is read or created until a table is opened.</summary>
    /// <param name="directory">The database directory; created with the first table.</param>
    /// <param name="loggerFactory">Creates the logger of table creation, commits and conflicts; nothing is logged when null.</param>
    /// <param name="meterFactory">Creates the <c>Connectomics.Storage</c> meter commits are recorded on; a process-wide meter when null.</param>
    /// <returns>The store.</returns>
    public static LanceVectorStore Open(string directory, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var telemetry = meterFactory is null ? StorageTelemetry.Shared : new StorageTelemetry(meterFactory);
        var logger = (ILogger?)loggerFactory?.CreateLogger<LanceVectorStore>() ?? NullLogger.Instance;
        return Open(directory, telemetry, logger, new LanceWriteOptions());
    }

    /// <summary>Opens a store whose writers use the given options, telemetry and logger.</summary>
    internal static LanceVectorStore Open(string directory, StorageTelemetry telemetry, ILogger logger, LanceWriteOptions options) =>
        new(LanceDatabase.Open(directory, telemetry, logger), telemetry, logger) { WriteOptions = options };

    /// <inheritdoc />
    /// <exception cref="LanceSchemaMismatchException">
    /// The table exists with other columns, column types or vector dimension; the message names the table, the database
    /// and every difference.
    /// </exception>
    /// <exception cref="ArgumentException">The definition names a column twice, or its name is not a plain directory name.</exception>
    public async Task<IVectorTable> OpenTableAsync(VectorTableDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var schema = VectorTableSchema.ToArrow(definition);
        var path = _database.TablePath(definition.Name);
        var latest = await LoadedManifest.ReadLatestAsync(path, cancellationToken).ConfigureAwait(false);
        if (latest is null)
        {
            try
            {
                await CreateAsync(path, schema, cancellationToken).ConfigureAwait(false);
                Log.VectorTableCreated(Logger, definition.Name, Location, definition.Columns.Count, definition.Dimension);
            }
            catch (LanceCommitConflictException) when (TableLayout.ListVersions(path).Count > 0)
            {
                // Another process created the table first: open its table, and check it is the one this run writes.
                Log.VectorTableCreatedByAnother(Logger, definition.Name, Location);
            }

            latest = await LoadedManifest.ReadLatestAsync(path, cancellationToken).ConfigureAwait(false)
                ?? throw new LanceTableNotFoundException(path, _database.TableNames());
        }

        var table = LanceVectorTable.Open(this, definition.Name, path, latest);
        var differences = VectorTableSchema.Differences(table.Snapshot.Schema, schema, definition.VectorColumn);
        if (differences.Count > 0)
        {
            throw new LanceSchemaMismatchException(definition.Name, Location, differences);
        }

        return table;
    }

    /// <inheritdoc />
    /// <exception cref="LanceTableNotFoundException">No table has that name; the message names the database and its tables.</exception>
    /// <exception cref="LanceSchemaMismatchException">The table has no id or vector column, or a column a vector table cannot hold.</exception>
    public async Task<IVectorTable> OpenTableAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = _database.TablePath(name);
        var latest = await LoadedManifest.ReadLatestAsync(path, cancellationToken).ConfigureAwait(false)
            ?? throw new LanceTableNotFoundException(path, _database.TableNames());
        return LanceVectorTable.Open(this, name, path, latest);
    }

    /// <summary>Creates the table's first version: the schema and its metadata, no rows. Throws when another writer created it first.</summary>
    private async Task CreateAsync(string path, Apache.Arrow.Schema schema, CancellationToken cancellationToken)
    {
        var fileSystem = WriteOptions.FileSystem;
        DurableFile.CreateDirectory(fileSystem, Path.Combine(path, TableLayout.DataDirectory));
        var metadata = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in schema.Metadata ?? new Dictionary<string, string>())
        {
            metadata[key] = Encoding.UTF8.GetBytes(value);
        }

        var request = new CommitRequest
        {
            TablePath = path,
            Operation = TransactionInfo.OverwriteOperation,
            MustCreate = true,
            ReadVersion = 0,
            Base = null,
            Schema = LanceSchemaConverter.ToLance(schema),
            SchemaMetadata = metadata,
            NewFragments = [],
            DataFormatVersion = WriteOptions.DataStorageVersion == LanceDataStorageVersion.V2_0 ? "2.0" : "2.1",
            TimeProvider = WriteOptions.TimeProvider,
            Telemetry = Telemetry,
            Logger = Logger,
            FileSystem = fileSystem,
        };
        var started = WriteOptions.TimeProvider.GetTimestamp();
        await TableCommitter.CommitAsync(request, cancellationToken).ConfigureAwait(false);
        Telemetry.LanceCommitted("create", 0, 0, WriteOptions.TimeProvider.GetElapsedTime(started));
    }
}
