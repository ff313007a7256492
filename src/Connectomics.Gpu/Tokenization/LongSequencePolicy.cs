namespace Connectomics.Gpu.Tokenization;

/// <summary>
/// What <see cref="NucleotideTokenizer.EncodeWindows"/> does with a sequence whose token count, <c>&lt;cls&gt;</c>
/// included, is above the model's limit.
/// </summary>
public enum LongSequencePolicy
{
    /// <summary>
    /// Throw an <see cref="InvalidSequenceException"/> that names the record, its token count and the limit.
    /// </summary>
    Reject = 0,

    /// <summary>
    /// Keep <c>&lt;cls&gt;</c> and the first <c>maxTokens − 1</c> tokens, as Hugging Face does with
    /// <c>truncation=True</c>; the rest of the sequence is not embedded.
    /// </summary>
    Truncate = 1,

    /// <summary>
    /// Cut the token stream (without <c>&lt;cls&gt;</c>) into consecutive pieces of at most <c>maxTokens − 1</c>
    /// tokens and put <c>&lt;cls&gt;</c> in front of each, so every token is embedded once. The embedding engine
    /// embeds each window on its own and averages the window embeddings weighted by the number of tokens in each
    /// window, so the sequence still gets one vector.
    /// </summary>
    Split = 2,
}
