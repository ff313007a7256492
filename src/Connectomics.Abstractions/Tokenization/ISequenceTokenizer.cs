namespace Connectomics.Tokenization;

/// <summary>Turns a biological sequence into the token ids a model reads.</summary>
/// <remarks>Implementations are immutable and thread-safe.</remarks>
public interface ISequenceTokenizer
{
    /// <summary>Gets the number of ids the model's embedding table holds.</summary>
    int VocabularySize { get; }

    /// <summary>Gets the id used to pad a batch to a common length.</summary>
    int PadTokenId { get; }

    /// <summary>Encodes a sequence, special tokens included.</summary>
    /// <param name="sequence">The sequence.</param>
    /// <returns>The token ids.</returns>
    IReadOnlyList<int> EncodeToIds(string sequence);

    /// <summary>Counts the tokens <see cref="EncodeToIds(string)"/> would produce, without allocating them.</summary>
    /// <param name="sequence">The sequence.</param>
    /// <returns>The token count, special tokens included.</returns>
    int CountTokens(ReadOnlySpan<char> sequence);

    /// <summary>Turns ids back into text (special tokens written as their names, e.g. <c>&lt;cls&gt;</c>).</summary>
    /// <param name="ids">The ids.</param>
    /// <returns>The decoded text.</returns>
    string Decode(IEnumerable<int> ids);
}
