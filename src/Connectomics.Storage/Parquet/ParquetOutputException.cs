namespace Connectomics.Storage.Parquet;

/// <summary>
/// Thrown when a <see cref="ParquetSequenceWriter"/> cannot write or commit: a record that does not fit the
/// configured columns, or a failure writing or renaming the file. The message names the file and, where they
/// apply, the record and column.
/// </summary>
public sealed class ParquetOutputException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="ParquetOutputException"/> class.</summary>
    public ParquetOutputException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public ParquetOutputException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ParquetOutputException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance that names the file, record and column.</summary>
    /// <param name="message">What is wrong, without the location (it is prefixed from the other arguments).</param>
    /// <param name="filePath">The file being written.</param>
    /// <param name="recordId">The id of the offending record, when one record is at fault.</param>
    /// <param name="column">The column, when one column is at fault.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public ParquetOutputException(string message, string filePath, string? recordId = null, string? column = null, Exception? innerException = null)
        : base(FormatMessage(message, filePath, recordId, column), innerException)
    {
        FilePath = filePath;
        RecordId = recordId;
        Column = column;
    }

    /// <summary>Gets the file being written.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the id of the offending record, when one record is at fault.</summary>
    public string? RecordId { get; }

    /// <summary>Gets the column, when one column is at fault.</summary>
    public string? Column { get; }

    private static string FormatMessage(string message, string filePath, string? recordId, string? column)
    {
        var location = $"'{filePath}'";
        if (recordId is not null)
        {
            location += $", record '{recordId}'";
        }

        if (column is not null)
        {
            location += $", column '{column}'";
        }

        return $"{location}: {message}";
    }
}
