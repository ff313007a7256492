namespace Connectomics.Lora.Taxonomy;

/// <summary>A taxonomy label file (or head directory) that cannot be read; the message names the file and what is wrong.</summary>
public sealed class TaxonomyLabelsFormatException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="TaxonomyLabelsFormatException"/> class.</summary>
    public TaxonomyLabelsFormatException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TaxonomyLabelsFormatException"/> class.</summary>
    /// <param name="message">The message.</param>
    public TaxonomyLabelsFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TaxonomyLabelsFormatException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TaxonomyLabelsFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance naming the file at fault.</summary>
    /// <param name="path">The file.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <param name="innerException">The cause, if any.</param>
    public TaxonomyLabelsFormatException(string path, string problem, Exception? innerException)
        : base($"The taxonomy label file '{path}' cannot be read: {problem}", innerException)
    {
        FilePath = path;
    }

    /// <summary>Gets the file at fault, when known.</summary>
    public string? FilePath { get; }
}
