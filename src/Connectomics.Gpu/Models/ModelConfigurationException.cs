namespace Connectomics.Gpu.Models;

/// <summary>Thrown when a model configuration (a <c>config.json</c>, a preset name, options) cannot be used.</summary>
public sealed class ModelConfigurationException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="ModelConfigurationException"/> class.</summary>
    public ModelConfigurationException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message that describes the error.</param>
    public ModelConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public ModelConfigurationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
