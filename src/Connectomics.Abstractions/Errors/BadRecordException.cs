namespace Connectomics;

/// <summary>
/// A record a pipeline could not use, under a policy that fails on bad records. The message names the file, row and
/// column where they apply.
/// </summary>
public sealed class BadRecordException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="BadRecordException"/> class.</summary>
    public BadRecordException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BadRecordException"/> class.</summary>
    /// <param name="message">The message.</param>
    public BadRecordException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BadRecordException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public BadRecordException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BadRecordException"/> class.</summary>
    /// <param name="message">The message, naming the file, row and column.</param>
    /// <param name="file">The input file, relative to the input root.</param>
    /// <param name="row">The row or line.</param>
    /// <param name="column">The column or field.</param>
    /// <param name="recordId">The record's id.</param>
    public BadRecordException(string message, string? file, long? row, string? column, string? recordId)
        : base(message)
    {
        File = file;
        Row = row;
        Column = column;
        RecordId = recordId;
    }

    /// <summary>Gets the input file, when known.</summary>
    public string? File { get; }

    /// <summary>Gets the row or line, when known.</summary>
    public long? Row { get; }

    /// <summary>Gets the column or field, when known.</summary>
    public string? Column { get; }

    /// <summary>Gets the record's id, when it has one.</summary>
    public string? RecordId { get; }
}
