namespace Connectomics.Storage.Lance;

/// <summary>
/// Thrown when a vector table exists with other columns, column types or vector dimension than the run writes, or has
/// a column a vector table cannot hold. The message names the table, its database and every difference.
/// </summary>
public sealed class LanceSchemaMismatchException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="LanceSchemaMismatchException"/> class.</summary>
    public LanceSchemaMismatchException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public LanceSchemaMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public LanceSchemaMismatchException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance that names the table, its database and the differences.</summary>
    /// <param name="table">The table's name.</param>
    /// <param name="database">The database directory.</param>
    /// <param name="differences">The differences, each a phrase that follows the table (<c>has column 'depth' as int64; this run writes double</c>).</param>
    public LanceSchemaMismatchException(string table, string database, IReadOnlyList<string> differences)
        : base(Describe(table, database, differences))
    {
        Table = table;
        Database = database;
        Differences = differences;
    }

    /// <summary>Gets the table's name, when known.</summary>
    public string? Table { get; }

    /// <summary>Gets the database directory, when known.</summary>
    public string? Database { get; }

    /// <summary>Gets the differences, each a phrase that follows the table's name.</summary>
    public IReadOnlyList<string> Differences { get; } = [];

    private static string Describe(string table, string database, IReadOnlyList<string> differences)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(differences);
        return $"Table '{table}' in {database} {string.Join("; it ", differences)}.";
    }
}
