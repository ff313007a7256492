namespace Connectomics.Checkpoints;

/// <summary>
/// Thrown when checkpoint state exists but cannot be trusted: every stored copy is damaged, or the stored state
/// belongs to another run. Resuming from nothing would repeat committed work, so the run must not continue silently.
/// </summary>
public sealed class CheckpointCorruptedException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="CheckpointCorruptedException"/> class.</summary>
    public CheckpointCorruptedException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public CheckpointCorruptedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public CheckpointCorruptedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance that names the checkpoint.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="checkpointPath">The file or location of the damaged state.</param>
    public CheckpointCorruptedException(string message, string checkpointPath)
        : base(message)
    {
        CheckpointPath = checkpointPath;
    }

    /// <summary>Gets the file or location of the damaged state, when known.</summary>
    public string? CheckpointPath { get; }
}
