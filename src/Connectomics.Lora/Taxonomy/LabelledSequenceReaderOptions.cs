using System.Globalization;

namespace Connectomics.Lora.Taxonomy;

/// <summary>How <see cref="LabelledSequenceReader"/> finds each read's taxonomy and what it does with bad reads.</summary>
public sealed class LabelledSequenceReaderOptions
{
    /// <summary>The metadata key of a FASTA header's description (the text after the id).</summary>
    public const string FastaDescriptionKey = "description";

    /// <summary>
    /// Gets or sets the metadata key that holds the taxonomy string: <c>description</c> for FASTA files whose header
    /// is <c>&gt;id k;p;c;o;f;g;s</c>, or the name of a Parquet metadata column.
    /// </summary>
    /// <value>The default value is <c>description</c>.</value>
    public string TaxonomyKey { get; set; } = FastaDescriptionKey;

    /// <summary>Gets or sets what happens to a read without a taxonomy.</summary>
    /// <value>The default value is <see cref="UnlabelledReadPolicy.Fail"/>.</value>
    public UnlabelledReadPolicy Unlabelled { get; set; } = UnlabelledReadPolicy.Fail;

    /// <summary>Gets or sets a value indicating whether records the source itself rejected (an empty sequence, say)
    /// are left out and counted instead of stopping the read.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool SkipRejected { get; set; }

    /// <summary>Gets or sets the number of records asked of the source at a time.</summary>
    /// <value>The default value is 1024.</value>
    public int ChunkSize { get; set; } = 1024;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message lists every failure.</exception>
    public void Validate()
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(TaxonomyKey))
        {
            failures.Add("TaxonomyKey must name a metadata key.");
        }

        if (!Enum.IsDefined(Unlabelled))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"Unlabelled is not a policy ({(int)Unlabelled})."));
        }

        if (ChunkSize <= 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"ChunkSize must be positive, not {ChunkSize}."));
        }

        if (failures.Count > 0)
        {
            throw new ArgumentException($"{nameof(LabelledSequenceReaderOptions)}: {string.Join(" ", failures)}");
        }
    }

    internal LabelledSequenceReaderOptions Clone() => (LabelledSequenceReaderOptions)MemberwiseClone();
}
