using System.Collections.Frozen;

namespace Connectomics.Gpu.Tokenization;

/// <summary>
/// The shape of a Nucleotide Transformer style vocabulary that lets nucleotide text be encoded by arithmetic:
/// every k-mer over A, T, C, G at consecutive ids in Cartesian order (first letter slowest, letter order A, T, C,
/// G), the single letters A, T, C, G, N, and nothing else that starts with a letter.
/// </summary>
/// <remarks>
/// When a vocabulary has this shape, and every other entry starts with <c>&lt;</c>, the trie matcher's result on
/// text without <c>&lt;</c> is fully determined: each maximal run of A/C/G/T of length L gives ⌊L/k⌋ k-mers
/// followed by L mod k single letters.
/// </remarks>
internal sealed class KmerLayout
{
    /// <summary>The letters of the k-mer alphabet, in vocabulary order; a letter's index is its code.</summary>
    public const string Letters = "ATCG";

    /// <summary>The largest k for which a layout is recognised (4^10 entries).</summary>
    private const int MaxLength = 10;

    private KmerLayout(int length, int firstKmerId, int[] singleIds)
    {
        Length = length;
        FirstKmerId = firstKmerId;
        SingleIds = singleIds;
    }

    /// <summary>Gets k, the length of the multi-letter tokens.</summary>
    public int Length { get; }

    /// <summary>Gets the id of the k-mer of all A (k-mer index 0).</summary>
    public int FirstKmerId { get; }

    /// <summary>Gets the ids of the single letters A, T, C, G, N, indexed by letter code (N is 4).</summary>
    public int[] SingleIds { get; }

    /// <summary>Recognises the layout in a vocabulary, or returns <see langword="null"/>.</summary>
    /// <param name="tokens">The tokens by id.</param>
    /// <param name="ids">The ids by token.</param>
    /// <returns>The layout, or <see langword="null"/> when the vocabulary does not have it.</returns>
    public static KmerLayout? Detect(IReadOnlyList<string> tokens, FrozenDictionary<string, int> ids)
    {
        var singleIds = new int[5];
        const string singles = Letters + "N";
        for (var code = 0; code < singles.Length; code++)
        {
            if (!ids.TryGetValue(singles[code].ToString(), out singleIds[code]))
            {
                return null;
            }
        }

        var length = 0;
        var kmerCount = 0;
        foreach (var token in tokens)
        {
            if (token[0] == '<')
            {
                // Text that holds a '<' always goes through the trie, so these entries never reach this layout.
                continue;
            }

            if (token.Length == 1)
            {
                // Any other one-letter entry would be matched inside what this layout treats as unknown text.
                if (!singles.Contains(token[0], StringComparison.Ordinal))
                {
                    return null;
                }

                continue;
            }

            if (!IsKmerText(token) || (length != 0 && token.Length != length))
            {
                return null;
            }

            length = token.Length;
            kmerCount++;
        }

        if (length < 2 || length > MaxLength || kmerCount != 1 << (2 * length))
        {
            return null;
        }

        if (!ids.TryGetValue(new string('A', length), out var firstKmerId) || firstKmerId + kmerCount > tokens.Count)
        {
            return null;
        }

        Span<char> kmer = stackalloc char[length];
        for (var index = 0; index < kmerCount; index++)
        {
            WriteKmer(index, kmer);
            if (!kmer.SequenceEqual(tokens[firstKmerId + index]))
            {
                return null;
            }
        }

        return new KmerLayout(length, firstKmerId, singleIds);
    }

    /// <summary>Writes the k-mer with the given index (its letters' codes read as a base-4 number).</summary>
    /// <param name="index">The k-mer index.</param>
    /// <param name="destination">Receives the k-mer; its length is k.</param>
    public static void WriteKmer(int index, Span<char> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Letters[index & 3];
            index >>= 2;
        }
    }

    private static bool IsKmerText(string token)
    {
        foreach (var c in token)
        {
            if (c is not ('A' or 'T' or 'C' or 'G'))
            {
                return false;
            }
        }

        return true;
    }
}
