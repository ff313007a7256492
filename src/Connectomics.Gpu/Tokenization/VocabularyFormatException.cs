namespace Connectomics.Gpu.Tokenization;

/// <summary>
/// Thrown when a vocabulary file cannot be used: unreadable text, an empty or repeated entry, or a required
/// special token missing. The message names the file and, where there is one, the line.
/// </summary>
public sealed class VocabularyFormatException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="VocabularyFormatException"/> class.</summary>
    public VocabularyFormatException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public VocabularyFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public VocabularyFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance that names the file and line at fault.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="filePath">The path of the vocabulary file.</param>
    /// <param name="lineNumber">The 1-based line at fault, when the problem has one.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public VocabularyFormatException(string message, string filePath, int? lineNumber, Exception? innerException = null)
        : base(message, innerException)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
    }

    /// <summary>Gets the path of the vocabulary file, when known.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the 1-based line at fault (line 1 holds id 0), when the problem has one.</summary>
    public int? LineNumber { get; }
}
