namespace Connectomics.Storage.Fasta;

/// <summary>
/// Thrown when a FASTA or FASTQ file is malformed: a line out of place, a FASTQ quality line whose length differs from
/// its sequence, a file that is empty or not text (binary data, damaged gzip data). Names the file and, where the
/// problem is one line, the 1-based line.
/// </summary>
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

    /// <summary>Initializes a new instance that names the file and line and keeps the cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="filePath">The file.</param>
    /// <param name="lineNumber">The 1-based line.</param>
    /// <param name="innerException">The cause.</param>
    internal FastaFormatException(string message, string filePath, long lineNumber, Exception innerException)
        : base($"{filePath}, line {lineNumber}: {message}", innerException)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
    }

    private FastaFormatException(string message, string filePath)
        : base($"{filePath}: {message}")
    {
        FilePath = filePath;
    }

    /// <summary>Gets the file.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the 1-based line, or null when the problem is the whole file (an empty file).</summary>
    public long? LineNumber { get; }

    /// <summary>Creates an exception about a whole file rather than one of its lines.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="message">What is wrong.</param>
    /// <returns>The exception.</returns>
    internal static FastaFormatException ForFile(string filePath, string message) => new(message, filePath);
}
