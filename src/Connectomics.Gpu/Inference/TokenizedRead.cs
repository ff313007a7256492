namespace Connectomics.Gpu.Inference;

/// <summary>
/// The payload of a usable <see cref="Embeddings.PreparedInput"/> made by
/// <see cref="NucleotideTransformerEmbedder.Prepare"/>: a read's token windows, and the fingerprint of the embedder
/// that tokenized it, so that another model's inputs are refused instead of being encoded with the wrong vocabulary
/// or limits.
/// </summary>
internal sealed class TokenizedRead
{
    /// <summary>Initializes a new instance of the <see cref="TokenizedRead"/> class.</summary>
    /// <param name="fingerprint">The fingerprint of the embedder that tokenized the read.</param>
    /// <param name="windows">The windows, each starting with <c>&lt;cls&gt;</c>; at least one.</param>
    public TokenizedRead(string fingerprint, int[][] windows)
    {
        Fingerprint = fingerprint;
        Windows = windows;
        foreach (var window in windows)
        {
            TokenCount += window.Length;
        }
    }

    /// <summary>Gets the fingerprint of the embedder that tokenized the read.</summary>
    public string Fingerprint { get; }

    /// <summary>Gets the token windows, <c>&lt;cls&gt;</c> first in each.</summary>
    public int[][] Windows { get; }

    /// <summary>Gets the tokens of every window together, one <c>&lt;cls&gt;</c> per window included.</summary>
    public int TokenCount { get; }

    /// <summary>Counts the occurrences of one token id over every window.</summary>
    /// <param name="id">The token id (<c>&lt;unk&gt;</c>'s, say).</param>
    /// <returns>The count.</returns>
    public int Count(int id)
    {
        var count = 0;
        foreach (var window in Windows)
        {
            count += window.AsSpan().Count(id);
        }

        return count;
    }
}
