namespace Connectomics.Lora.Taxonomy.Baselines;

/// <summary>The k-mer "words" of a sequence as 2-bit codes (A=0, C=1, G=2, T=3), case-insensitive; a k-mer holding
/// any other character (N, gaps) is not a word.</summary>
internal static class KmerWords
{
    /// <summary>Gets the distinct words of a sequence, ascending.</summary>
    /// <param name="sequence">The sequence.</param>
    /// <param name="length">The word length, 1…15.</param>
    /// <returns>The distinct word codes.</returns>
    public static int[] Distinct(string sequence, int length)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, 15);
        var mask = (1 << (2 * length)) - 1;
        var words = new HashSet<int>();
        var code = 0;
        var valid = 0;
        foreach (var c in sequence)
        {
            var b = Code(c);
            if (b < 0)
            {
                valid = 0;
                code = 0;
                continue;
            }

            code = ((code << 2) | b) & mask;
            if (++valid >= length)
            {
                words.Add(code);
            }
        }

        var result = words.ToArray();
        Array.Sort(result);
        return result;
    }

    private static int Code(char c) => c switch
    {
        'A' or 'a' => 0,
        'C' or 'c' => 1,
        'G' or 'g' => 2,
        'T' or 't' or 'U' or 'u' => 3,
        _ => -1,
    };
}
