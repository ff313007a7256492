namespace Connectomics.Gpu.Tokenization;

/// <summary>Settings of a <see cref="NucleotideTokenizer"/>. The defaults give exactly the Hugging Face ids.</summary>
/// <remarks>
/// The tokenizer copies the values when it is created, so changing an options object later does not change a
/// tokenizer built from it. Every combination of values is valid.
/// </remarks>
public sealed class NucleotideTokenizerOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether lower-case ASCII letters are read as upper case before tokenizing,
    /// for soft-masked genomes, where repeats are written in lower case (<c>acgt</c> then gives the ids of
    /// <c>ACGT</c>). Special-token strings written in the text, such as <c>&lt;mask&gt;</c>, are kept as they are and
    /// still match. Hugging Face has no such step, and gives <c>&lt;unk&gt;</c> for lower-case runs.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool UpperCaseFirst { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether only the letters A, C, G, T and N (after <see cref="UpperCaseFirst"/>)
    /// are accepted. When <see langword="true"/>, any other character, whitespace and <c>&lt;</c> included, throws an
    /// <see cref="InvalidSequenceException"/> that names the record, the 0-based position and the character. When
    /// <see langword="false"/>, the tokenizer behaves as Hugging Face's and turns unknown text into
    /// <c>&lt;unk&gt;</c> tokens.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool StrictNucleotides { get; set; }

    /// <summary>Returns a copy that later changes to this instance do not affect.</summary>
    /// <returns>The copy.</returns>
    public NucleotideTokenizerOptions Clone() => (NucleotideTokenizerOptions)MemberwiseClone();
}
