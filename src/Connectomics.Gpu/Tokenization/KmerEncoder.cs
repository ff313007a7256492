namespace Connectomics.Gpu.Tokenization;

/// <summary>
/// Encodes text that contains no <c>&lt;</c> over a vocabulary with a <see cref="KmerLayout"/>, with the same
/// result as the trie matcher but by arithmetic: k-mer id = first k-mer id + Σ code(s[i])·4^(k−1−i), with
/// A=0, T=1, C=2, G=3.
/// </summary>
/// <remarks>
/// Character classes: A/T/C/G start or extend a nucleotide run; N is its own token; whitespace ends runs and
/// yields nothing; every maximal run of other characters yields one unknown token, as Hugging Face gives one
/// <c>&lt;unk&gt;</c> per whitespace-separated chunk of unmatched text.
/// </remarks>
internal static class KmerEncoder
{
    private const byte N = 4;
    private const byte Space = 5;
    private const byte Other = 6;

    private static readonly byte[] s_exactClasses = BuildClasses(upperCase: false);
    private static readonly byte[] s_upperCaseClasses = BuildClasses(upperCase: true);

    /// <summary>Encodes the text (without the leading class token).</summary>
    /// <typeparam name="TSink">The sink type.</typeparam>
    /// <param name="text">The text; must not contain <c>&lt;</c>.</param>
    /// <param name="layout">The vocabulary's layout.</param>
    /// <param name="unknownId">The id of <c>&lt;unk&gt;</c>.</param>
    /// <param name="upperCase">Whether lower-case ASCII letters count as their upper-case forms.</param>
    /// <param name="sink">Receives the ids.</param>
    public static void Encode<TSink>(ReadOnlySpan<char> text, KmerLayout layout, int unknownId, bool upperCase, ref TSink sink)
        where TSink : ITokenSink, allows ref struct
    {
        var classes = upperCase ? s_upperCaseClasses : s_exactClasses;
        var k = layout.Length;
        var singles = layout.SingleIds;
        var i = 0;
        while (i < text.Length)
        {
            var code = Classify(text[i], classes);
            if (code < N)
            {
                var runEnd = i + 1;
                while (runEnd < text.Length && Classify(text[runEnd], classes) < N)
                {
                    runEnd++;
                }

                while (runEnd - i >= k)
                {
                    var index = 0;
                    for (var end = i + k; i < end; i++)
                    {
                        index = (index << 2) | Classify(text[i], classes);
                    }

                    sink.Add(layout.FirstKmerId + index);
                }

                for (; i < runEnd; i++)
                {
                    sink.Add(singles[Classify(text[i], classes)]);
                }
            }
            else if (code == N)
            {
                sink.Add(singles[N]);
                i++;
            }
            else if (code == Space)
            {
                i++;
            }
            else
            {
                sink.Add(unknownId);
                i++;
                while (i < text.Length && Classify(text[i], classes) == Other)
                {
                    i++;
                }
            }
        }
    }

    /// <summary>Counts the tokens <see cref="Encode"/> would produce, without producing them.</summary>
    /// <param name="text">The text; must not contain <c>&lt;</c>.</param>
    /// <param name="layout">The vocabulary's layout.</param>
    /// <param name="upperCase">Whether lower-case ASCII letters count as their upper-case forms.</param>
    /// <returns>The token count.</returns>
    public static int Count(ReadOnlySpan<char> text, KmerLayout layout, bool upperCase)
    {
        var classes = upperCase ? s_upperCaseClasses : s_exactClasses;
        var k = layout.Length;
        var count = 0;
        var i = 0;
        while (i < text.Length)
        {
            var code = Classify(text[i], classes);
            if (code < N)
            {
                var runStart = i;
                i++;
                while (i < text.Length && Classify(text[i], classes) < N)
                {
                    i++;
                }

                var run = i - runStart;
                count += (run / k) + (run % k);
            }
            else if (code == Space)
            {
                i++;
            }
            else
            {
                count++;
                i++;
                if (code == Other)
                {
                    while (i < text.Length && Classify(text[i], classes) == Other)
                    {
                        i++;
                    }
                }
            }
        }

        return count;
    }

    private static byte Classify(char c, byte[] classes)
    {
        if (c < classes.Length)
        {
            return classes[c];
        }

        return PythonText.IsWhitespace(c) ? Space : Other;
    }

    private static byte[] BuildClasses(bool upperCase)
    {
        var classes = new byte[128];
        for (var c = 0; c < classes.Length; c++)
        {
            classes[c] = PythonText.IsWhitespace((char)c) ? Space : Other;
        }

        for (byte code = 0; code < KmerLayout.Letters.Length; code++)
        {
            classes[KmerLayout.Letters[code]] = code;
        }

        classes['N'] = N;
        if (upperCase)
        {
            for (var c = 'a'; c <= 'z'; c++)
            {
                classes[c] = classes[char.ToUpperInvariant(c)];
            }
        }

        return classes;
    }
}
