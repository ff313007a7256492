namespace Connectomics.Storage.Lance;

/// <summary>
/// Thrown when a Lance table, manifest or data file is malformed, or uses a feature this library does not read
/// (for example an encoding or a reader feature flag it does not know). Names the file when known.
/// </summary>
public sealed class LanceFormatException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="LanceFormatException"/> class.</summary>
    public LanceFormatException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public LanceFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public LanceFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance that names the offending file.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="filePath">The file.</param>
    public LanceFormatException(string message, string filePath)
        : base($"{filePath}: {message}")
    {
        FilePath = filePath;
    }

    /// <summary>Gets the file that could not be read, when known.</summary>
    public string? FilePath { get; }
}
