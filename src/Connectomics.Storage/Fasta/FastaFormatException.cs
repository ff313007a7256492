namespace Connectomics.Storage.Fasta;

/// <summary>Thrown when a FASTA file is malformed; names the file and the 1-based line.</summary>
public sealed class FastaFormatException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="FastaFormatException"/> class.</summary>
    public FastaFormatException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public FastaFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public FastaFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance that names the file and line.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="filePath">The file.</param>
    /// <param name="lineNumber">The 1-based line.</param>
    public FastaFormatException(string message, string filePath, long lineNumber)
        : base($"{filePath}, line {lineNumber}: {message}")
    {
        FilePath = filePath;
        LineNumber = lineNumber;
    }

    /// <summary>Gets the file.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the 1-based line.</summary>
    public long? LineNumber { get; }
}
