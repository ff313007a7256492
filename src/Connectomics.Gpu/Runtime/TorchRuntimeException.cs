namespace Connectomics.Gpu.Runtime;

/// <summary>Thrown when the TorchSharp native runtime cannot be prepared or loaded on this host.</summary>
public sealed class TorchRuntimeException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="TorchRuntimeException"/> class.</summary>
    public TorchRuntimeException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public TorchRuntimeException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public TorchRuntimeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
