using Connectomics.Storage.Lance.Table;
using ArrowSchema = Apache.Arrow.Schema;

namespace Connectomics.Storage.Lance;

/// <summary>
/// A LanceDB database: a directory whose <c>&lt;name&gt;.lance</c> sub-directories are tables, as the official
/// clients lay it out. Opens tables and writers by name.
/// </summary>
/// <remarks>An instance holds only the directory path; it is immutable and safe to use from several threads.</remarks>
public sealed class LanceDatabase
{
    private const string TableSuffix = ".lance";

    private LanceDatabase(string directory) => Directory = directory;

    /// <summary>Gets the database directory.</summary>
    public string Directory { get; }

    /// <summary>Opens a database directory. Nothing is read or created until a table is opened or written.</summary>
    /// <param name="directory">The database directory.</param>
    /// <returns>The database.</returns>
    public static LanceDatabase Open(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        return new LanceDatabase(Path.GetFullPath(directory));
    }

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

    /// <summary>Opens a writer on a table (see <see cref="LanceTableWriter.OpenAsync"/>).</summary>
    /// <param name="name">The table name.</param>
    /// <param name="schema">The schema of the rows.</param>
    /// <param name="options">The options; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The writer.</returns>
    public Task<LanceTableWriter> OpenWriterAsync(string name, ArrowSchema schema, LanceWriteOptions? options = null, CancellationToken cancellationToken = default) =>
        LanceTableWriter.OpenAsync(TablePath(name), schema, options, cancellationToken);

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
