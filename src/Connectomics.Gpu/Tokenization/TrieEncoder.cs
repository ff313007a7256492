using System.Buffers;

namespace Connectomics.Gpu.Tokenization;

/// <summary>
/// Encodes any text over any vocabulary as the Hugging Face <c>EsmTokenizer</c> does: the text is cut with the
/// vocabulary trie (<see cref="TokenTrie"/>), every piece is split on whitespace, and every resulting chunk becomes
/// its vocabulary id, or <c>&lt;unk&gt;</c> when it is not a vocabulary entry.
/// </summary>
internal static class TrieEncoder
{
    /// <summary>Encodes the text (without the leading class token).</summary>
    /// <typeparam name="TSink">The sink type.</typeparam>
    /// <param name="text">The text.</param>
    /// <param name="vocabulary">The vocabulary.</param>
    /// <param name="sink">Receives the ids.</param>
    public static void Encode<TSink>(ReadOnlySpan<char> text, NucleotideVocabulary vocabulary, ref TSink sink)
        where TSink : ITokenSink, allows ref struct
    {
        if (text.IsEmpty)
        {
            return;
        }

        var codePoints = ArrayPool<int>.Shared.Rent(text.Length);
        var offsets = ArrayPool<int>.Shared.Rent(text.Length + 1);
        try
        {
            var count = CodePoints.Decode(text, codePoints, offsets);
            var cuts = new List<int>();
            vocabulary.Trie.Split(codePoints.AsSpan(0, count), cuts);
            cuts.Add(count);

            var pieceStart = 0;
            foreach (var cut in cuts)
            {
                if (cut <= pieceStart)
                {
                    continue;
                }

                EncodePiece(text[offsets[pieceStart]..offsets[cut]], vocabulary, ref sink);
                pieceStart = cut;
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(offsets);
            ArrayPool<int>.Shared.Return(codePoints);
        }
    }

    private static void EncodePiece<TSink>(ReadOnlySpan<char> piece, NucleotideVocabulary vocabulary, ref TSink sink)
        where TSink : ITokenSink, allows ref struct
    {
        var i = 0;
        while (i < piece.Length)
        {
            if (PythonText.IsWhitespace(piece[i]))
            {
                i++;
                continue;
            }

            var chunkStart = i;
            while (i < piece.Length && !PythonText.IsWhitespace(piece[i]))
            {
                i++;
            }

            sink.Add(vocabulary.TryGetId(piece[chunkStart..i], out var id) ? id : vocabulary.UnkTokenId);
        }
    }
}
