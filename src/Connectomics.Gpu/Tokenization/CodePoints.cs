namespace Connectomics.Gpu.Tokenization;

/// <summary>
/// Reads UTF-16 text as the code points a Python string holds: a surrogate pair is one code point and a lone
/// surrogate stands for itself.
/// </summary>
internal static class CodePoints
{
    /// <summary>Reads the code point that starts at <paramref name="index"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="index">The UTF-16 index.</param>
    /// <param name="width">Receives the number of UTF-16 units it takes (1 or 2).</param>
    /// <returns>The code point.</returns>
    public static int At(ReadOnlySpan<char> text, int index, out int width)
    {
        var c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            width = 2;
            return char.ConvertToUtf32(c, text[index + 1]);
        }

        width = 1;
        return c;
    }

    /// <summary>
    /// Decodes <paramref name="text"/> into code points and the UTF-16 offset of each, plus the text's length as a
    /// final offset.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="codePoints">Receives the code points; at least as long as the text.</param>
    /// <param name="offsets">Receives the offsets; at least one longer than the text.</param>
    /// <returns>The number of code points.</returns>
    public static int Decode(ReadOnlySpan<char> text, Span<int> codePoints, Span<int> offsets)
    {
        var count = 0;
        var i = 0;
        while (i < text.Length)
        {
            offsets[count] = i;
            codePoints[count] = At(text, i, out var width);
            count++;
            i += width;
        }

        offsets[count] = text.Length;
        return count;
    }
}
