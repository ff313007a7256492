namespace Connectomics.Checkpoints;

/// <summary>
/// Thrown when checkpoint state was written in a newer format than this version of the library reads. Upgrade the
/// library to resume the run; older state is not used instead, because that would repeat committed work.
/// </summary>
public sealed class UnsupportedCheckpointFormatException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="UnsupportedCheckpointFormatException"/> class.</summary>
    public UnsupportedCheckpointFormatException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public UnsupportedCheckpointFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public UnsupportedCheckpointFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance that names the checkpoint and both format versions.</summary>
    /// <param name="checkpointPath">The file or location of the state.</param>
    /// <param name="formatVersion">The format version the state was written in.</param>
    /// <param name="supportedFormatVersion">The newest format version this library reads.</param>
    public UnsupportedCheckpointFormatException(string checkpointPath, int formatVersion, int supportedFormatVersion)
        : base($"Checkpoint '{checkpointPath}' has format version {formatVersion}, but this version of Connectomics.NET reads format versions up to {supportedFormatVersion}; upgrade it to resume this run.")
    {
        CheckpointPath = checkpointPath;
        FormatVersion = formatVersion;
        SupportedFormatVersion = supportedFormatVersion;
    }

    /// <summary>Gets the file or location of the state, when known.</summary>
    public string? CheckpointPath { get; }

    /// <summary>Gets the format version the state was written in, when known.</summary>
    public int? FormatVersion { get; }

    /// <summary>Gets the newest format version this library reads, when known.</summary>
    public int? SupportedFormatVersion { get; }
}
