namespace Connectomics.Lora.Adapters;

/// <summary>Thrown when an adapter directory cannot be loaded into a model: a malformed or unsupported
/// <c>adapter_config.json</c>, or weights whose names or shapes do not fit the model.</summary>
public sealed class LoraAdapterFormatException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="LoraAdapterFormatException"/> class.</summary>
    public LoraAdapterFormatException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public LoraAdapterFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public LoraAdapterFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance that names the file and the key at fault.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="filePath">The file at fault.</param>
    /// <param name="key">The JSON key or tensor name at fault, if one is.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public LoraAdapterFormatException(string message, string filePath, string? key, Exception? innerException = null)
        : base(message, innerException)
    {
        FilePath = filePath;
        Key = key;
    }

    /// <summary>Gets the file at fault.</summary>
    public string? FilePath { get; }

    /// <summary>Gets the JSON key or tensor name at fault, if one is.</summary>
    public string? Key { get; }
}
