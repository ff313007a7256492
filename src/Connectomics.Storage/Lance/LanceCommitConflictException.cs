namespace Connectomics.Storage.Lance;

/// <summary>
/// Thrown when a commit cannot be completed because another writer committed an incompatible change first
/// (an overwrite or restore after the version this write was based on), or the retry limit was reached.
/// </summary>
public sealed class LanceCommitConflictException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="LanceCommitConflictException"/> class.</summary>
    public LanceCommitConflictException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public LanceCommitConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public LanceCommitConflictException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance that names the table and the versions involved.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="tablePath">The table directory.</param>
    /// <param name="readVersion">The version the write was based on.</param>
    public LanceCommitConflictException(string message, string tablePath, ulong readVersion)
        : base($"{tablePath}: {message}")
    {
        TablePath = tablePath;
        ReadVersion = readVersion;
    }

    /// <summary>Gets the table directory, when known.</summary>
    public string? TablePath { get; }

    /// <summary>Gets the version the failed write was based on, when known.</summary>
    public ulong? ReadVersion { get; }
}
