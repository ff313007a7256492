namespace Connectomics.Lora.Taxonomy;

/// <summary>A taxonomy string that cannot be read as up to seven ranks; the message quotes the text.</summary>
public sealed class TaxonomyFormatException : ConnectomicsException
{
    /// <summary>Initializes a new instance of the <see cref="TaxonomyFormatException"/> class.</summary>
    public TaxonomyFormatException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TaxonomyFormatException"/> class.</summary>
    /// <param name="message">The message.</param>
    public TaxonomyFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TaxonomyFormatException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TaxonomyFormatException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance naming the text at fault.</summary>
    /// <param name="message">The message, quoting the text.</param>
    /// <param name="text">The taxonomy string that was refused.</param>
    public TaxonomyFormatException(string message, string text)
        : base(message)
    {
        Text = text;
    }

    /// <summary>Gets the taxonomy string that was refused, when known.</summary>
    public string? Text { get; }
}
