namespace Connectomics.Lora.Training;

/// <summary>
/// A run was asked to resume from a checkpoint written with other settings or other data: continuing would not give
/// the run the checkpoint belongs to. The message and <see cref="Differences"/> name every setting that differs.
/// </summary>
public sealed class CheckpointMismatchException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="CheckpointMismatchException"/> class.</summary>
    public CheckpointMismatchException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public CheckpointMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public CheckpointMismatchException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance for a checkpoint and its differences.</summary>
    /// <param name="checkpointPath">The checkpoint directory.</param>
    /// <param name="differences">One line per differing setting: its name, the checkpoint's value and this run's.</param>
    public CheckpointMismatchException(string checkpointPath, IReadOnlyList<string> differences)
        : base($"Cannot resume from '{checkpointPath}': it was written with other settings ({string.Join("; ", differences ?? [])}). Use the same settings, or a new checkpoint directory.")
    {
        CheckpointPath = checkpointPath;
        Differences = differences ?? [];
    }

    /// <summary>Gets the checkpoint directory.</summary>
    public string? CheckpointPath { get; }

    /// <summary>Gets the settings that differ: name, the checkpoint's value, this run's value.</summary>
    public IReadOnlyList<string> Differences { get; } = [];
}
