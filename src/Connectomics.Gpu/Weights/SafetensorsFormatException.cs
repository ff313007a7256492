namespace Connectomics.Gpu.Weights;

/// <summary>
/// Thrown when a safetensors file or a sharded checkpoint index breaks the format: a bad header length, a header
/// that is not a JSON object, an unknown dtype, offsets that do not tile the data buffer, an index that maps a
/// tensor to a shard that lacks it, and so on. The message names the file and, where there is one, the tensor.
/// </summary>
public sealed class SafetensorsFormatException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="SafetensorsFormatException"/> class.</summary>
    public SafetensorsFormatException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public SafetensorsFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public SafetensorsFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance that names the offending file and tensor.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="filePath">The path of the safetensors file or index file that is at fault.</param>
    /// <param name="tensorName">The name of the tensor at fault, when the problem concerns one.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public SafetensorsFormatException(string message, string? filePath, string? tensorName, Exception? innerException = null)
        : base(message, innerException)
    {
        FilePath = filePath;
        TensorName = tensorName;
    }

    /// <summary>Gets the path of the safetensors file or index file that is at fault, when known.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the name of the tensor at fault, when the problem concerns one.</summary>
    public string? TensorName { get; }
}
