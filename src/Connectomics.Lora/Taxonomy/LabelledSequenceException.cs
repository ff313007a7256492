namespace Connectomics.Lora.Taxonomy;

/// <summary>A read that cannot be used as a labelled read (its taxonomy is missing or unparsable, or its source
/// rejected it); the message names the file, row and record.</summary>
public sealed class LabelledSequenceException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="LabelledSequenceException"/> class.</summary>
    public LabelledSequenceException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LabelledSequenceException"/> class.</summary>
    /// <param name="message">The message.</param>
    public LabelledSequenceException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LabelledSequenceException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public LabelledSequenceException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance that locates the record.</summary>
    /// <param name="message">The message, naming the file, row and record.</param>
    /// <param name="file">The input file, when known.</param>
    /// <param name="row">The row or line in <paramref name="file"/>, when known.</param>
    /// <param name="recordId">The record's id, when known.</param>
    /// <param name="innerException">The cause, if any.</param>
    public LabelledSequenceException(string message, string? file, long? row, string? recordId, Exception? innerException)
        : base(message, innerException)
    {
        File = file;
        Row = row;
        RecordId = recordId;
    }

    /// <summary>Gets the input file (relative to the source's root), when known.</summary>
    public string? File { get; }

    /// <summary>Gets the row (Parquet, 0-based) or line (FASTA, 1-based) of the record, when known.</summary>
    public long? Row { get; }

    /// <summary>Gets the record's id, when known.</summary>
    public string? RecordId { get; }
}
