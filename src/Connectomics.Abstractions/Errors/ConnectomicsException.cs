namespace Connectomics;

/// <summary>
/// The base of every exception thrown by Connectomics.NET packages for bad input, bad configuration or a
/// failed operation. Catch this type to handle any library failure; subtypes carry the data needed to act on it.
/// </summary>
public abstract class ConnectomicsException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ConnectomicsException"/> class.</summary>
    protected ConnectomicsException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    protected ConnectomicsException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    protected ConnectomicsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
