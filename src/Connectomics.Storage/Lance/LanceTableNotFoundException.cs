namespace Connectomics.Storage.Lance;

/// <summary>Thrown when a Lance table is opened for reading but the directory holds no committed version.</summary>
public sealed class LanceTableNotFoundException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="LanceTableNotFoundException"/> class.</summary>
    public LanceTableNotFoundException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public LanceTableNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public LanceTableNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance that names the missing table and the tables that do exist beside it.</summary>
    /// <param name="tablePath">The table directory that holds no version.</param>
    /// <param name="existingTables">The names of the tables in the same database directory.</param>
    public LanceTableNotFoundException(string tablePath, IReadOnlyList<string> existingTables)
        : base(Describe(tablePath, existingTables))
    {
        TablePath = tablePath;
        ExistingTables = existingTables;
    }

    /// <summary>Gets the table directory that was not found, when known.</summary>
    public string? TablePath { get; }

    /// <summary>Gets the names of the tables that exist in the same database directory.</summary>
    public IReadOnlyList<string> ExistingTables { get; } = [];

    private static string Describe(string tablePath, IReadOnlyList<string>? existingTables)
    {
        ArgumentNullException.ThrowIfNull(tablePath);
        ArgumentNullException.ThrowIfNull(existingTables);
        var tables = existingTables.Count == 0 ? "it has no tables" : "its tables are " + string.Join(", ", existingTables.Select(t => $"'{t}'"));
        return $"{tablePath}: no Lance table version there; in the database directory {Path.GetDirectoryName(Path.GetFullPath(tablePath))}, {tables}.";
    }
}
