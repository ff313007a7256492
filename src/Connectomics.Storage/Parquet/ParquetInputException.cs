namespace Connectomics.Storage.Parquet;

/// <summary>
/// Thrown when Parquet input cannot be read: a missing file, a file that is not Parquet or is damaged, a column that
/// is missing or of the wrong type, or a null id or sequence. The message names the file and, where they apply,
/// the row group, row and column; the same facts are available as properties.
/// </summary>
public sealed class ParquetInputException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="ParquetInputException"/> class.</summary>
    public ParquetInputException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public ParquetInputException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ParquetInputException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance that names where in the input the problem is.</summary>
    /// <param name="error">What went wrong.</param>
    /// <param name="message">What is wrong, without the location (it is prefixed from the other arguments).</param>
    /// <param name="filePath">The file (or the input pattern that matched nothing).</param>
    /// <param name="rowGroup">The zero-based row group, when the problem is inside one.</param>
    /// <param name="row">The zero-based row within <paramref name="rowGroup"/>, when the problem is one row.</param>
    /// <param name="column">The column, when the problem is one column.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public ParquetInputException(
        ParquetInputError error,
        string message,
        string filePath,
        int? rowGroup = null,
        long? row = null,
        string? column = null,
        Exception? innerException = null)
        : base(FormatMessage(message, filePath, rowGroup, row, column), innerException)
    {
        Error = error;
        FilePath = filePath;
        RowGroup = rowGroup;
        Row = row;
        Column = column;
    }

    /// <summary>Gets what went wrong.</summary>
    public ParquetInputError Error { get; }

    /// <summary>Gets the file (or the input pattern that matched nothing).</summary>
    public string? FilePath { get; }

    /// <summary>Gets the zero-based row group, when the problem is inside one.</summary>
    public int? RowGroup { get; }

    /// <summary>Gets the zero-based row within <see cref="RowGroup"/>, when the problem is one row.</summary>
    public long? Row { get; }

    /// <summary>Gets the column, when the problem is one column.</summary>
    public string? Column { get; }

    private static string FormatMessage(string message, string filePath, int? rowGroup, long? row, string? column)
    {
        var location = $"'{filePath}'";
        if (rowGroup is { } group)
        {
            location += $", row group {group}";
        }

        if (row is { } r)
        {
            location += $", row {r}";
        }

        if (column is not null)
        {
            location += $", column '{column}'";
        }

        return $"{location}: {message}";
    }
}
