using System.Diagnostics.Metrics;
using Connectomics.Storage.Lance.Table;
using Connectomics.Storage.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ArrowSchema = Apache.Arrow.Schema;

namespace Connectomics.Storage.Lance;

/// <summary>
/// A LanceDB database: a directory whose <c>&lt;name&gt;.lance</c> sub-directories are tables, as the official
/// clients lay it out. Opens tables and writers by name.
/// </summary>
/// <remarks>An instance holds only the directory path and where its writers report commits (logger and meter); it is
/// immutable and safe to use from several threads.</remarks>
public sealed class LanceDatabase
{
    private const string TableSuffix = ".lance";

    private readonly StorageTelemetry _telemetry;
    private readonly ILogger _logger;

    private LanceDatabase(string directory, StorageTelemetry telemetry, ILogger logger)
    {
        Directory = directory;
        _telemetry = telemetry;
        _logger = logger;
    }

    /// <summary>Gets the database directory.</summary>
    public string Directory { get; }

    /// <summary>Opens a database directory. Nothing is read or created until a table is opened or written.</summary>
    /// <param name="directory">The database directory.</param>
    /// <returns>The database.</returns>
    public static LanceDatabase Open(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return Open(directory, StorageTelemetry.Shared, NullLogger.Instance);
    }

    /// <summary>Opens the database directory that the options name, with writers that log their commits and
    /// conflicts and record them on the <c>Connectomics.Storage</c> meter. Nothing is read or created until a table
    /// is opened or written.</summary>
    /// <param name="options">The database directory.</param>
    /// <param name="loggerFactory">Creates the logger of commits and conflicts; nothing is logged when null.</param>
    /// <param name="meterFactory">Creates the meter commits are recorded on; a process-wide meter when null.</param>
    /// <returns>The database.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">An option is invalid.</exception>
    public static LanceDatabase Open(LanceDatabaseOptions options, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Open(
            options.Directory,
            meterFactory is null ? StorageTelemetry.Shared : new StorageTelemetry(meterFactory),
            (ILogger?)loggerFactory?.CreateLogger<LanceTableWriter>() ?? NullLogger.Instance);
    }

    /// <summary>Opens a database directory whose writers record on the given telemetry and logger.</summary>
    internal static LanceDatabase Open(string directory, StorageTelemetry telemetry, ILogger logger) =>
        new(Path.GetFullPath(directory), telemetry, logger);

    /// <summary>Lists the tables: the names of the <c>*.lance</c> sub-directories, in ordinal order.</summary>
    /// <returns>The table names; empty when the directory does not exist.</returns>
    public IReadOnlyList<string> TableNames() => ListTables(Directory);

    /// <summary>Gets the directory of a table.</summary>
    /// <param name="name">The table name, without the <c>.lance</c> suffix.</param>
    /// <returns>The path <c>&lt;directory&gt;/&lt;name&gt;.lance</c>.</returns>
    /// <exception cref="ArgumentException">The name is empty or is not a plain directory name.</exception>
    public string TablePath(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name is "." or ".." || name.IndexOfAny(['/', '\\']) >= 0 || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"'{name}' is not a table name: it must be a plain directory name.", nameof(name));
        }

        return Path.Combine(Directory, name + TableSuffix);
    }

    /// <summary>Opens the latest version of a table.</summary>
    /// <param name="name">The table name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The table.</returns>
    /// <exception cref="LanceTableNotFoundException">The table has no committed version; the exception lists the tables that exist.</exception>
    /// <exception cref="LanceFormatException">The manifest is malformed or uses features this library does not read.</exception>
    public Task<LanceTable> OpenTableAsync(string name, CancellationToken cancellationToken = default) =>
        LanceTable.OpenAsync(TablePath(name), cancellationToken);

    /// <summary>Opens a writer on a table (see <see cref="LanceTableWriter.OpenAsync(string, ArrowSchema, LanceWriteOptions?, CancellationToken)"/>).</summary>
    /// <param name="name">The table name.</param>
    /// <param name="schema">The schema of the rows.</param>
    /// <param name="options">The options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The writer.</returns>
    public Task<LanceTableWriter> OpenWriterAsync(string name, ArrowSchema schema, LanceWriteOptions? options = null, CancellationToken cancellationToken = default) =>
        LanceTableWriter.OpenAsync(TablePath(name), schema, options, _telemetry, _logger, cancellationToken);

    /// <summary>Lists the <c>*.lance</c> sub-directories of a directory, by name without the suffix.</summary>
    internal static List<string> ListTables(string directory) =>
        System.IO.Directory.Exists(directory)
            ? [.. System.IO.Directory.EnumerateDirectories(directory, "*" + TableSuffix)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(n => n.Length > TableSuffix.Length && n.EndsWith(TableSuffix, StringComparison.Ordinal))
                .Select(n => n[..^TableSuffix.Length])
                .Order(StringComparer.Ordinal)]
            : [];
}
