namespace Connectomics;

/// <summary>
/// Thrown when a sequence cannot be processed under the configured rules: a character outside the accepted
/// alphabet, or a sequence longer than the model accepts under a <c>Reject</c> policy.
/// </summary>
public sealed class InvalidSequenceException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidSequenceException"/> class.</summary>
    public InvalidSequenceException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public InvalidSequenceException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public InvalidSequenceException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance that names the offending record and position.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="recordId">The id of the record, when known.</param>
    /// <param name="position">The zero-based character position of the problem, when it has one.</param>
    public InvalidSequenceException(string message, string? recordId, int? position)
        : base(message)
    {
        RecordId = recordId;
        Position = position;
    }

    /// <summary>Gets the id of the offending record, when known.</summary>
    public string? RecordId { get; }

    /// <summary>Gets the zero-based character position of the problem, when it has one.</summary>
    public int? Position { get; }
}
