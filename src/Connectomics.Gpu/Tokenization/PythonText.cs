namespace Connectomics.Gpu.Tokenization;

/// <summary>
/// The character rules of the Python string methods that the Hugging Face tokenizer relies on
/// (<c>str.split()</c>, <c>str.strip()</c>, <c>str.splitlines()</c>), restated for UTF-16 text.
/// </summary>
internal static class PythonText
{
    /// <summary>
    /// Tells whether Python's <c>str.isspace()</c> holds for the character: the characters .NET calls white space
    /// plus the four ASCII separators U+001C to U+001F, which Python also splits on.
    /// </summary>
    /// <param name="c">The character.</param>
    /// <returns><see langword="true"/> for a whitespace character.</returns>
    public static bool IsWhitespace(char c) => char.IsWhiteSpace(c) || (c >= '\u001C' && c <= '\u001F');

    /// <summary>Tells whether Python's <c>str.splitlines()</c> ends a line at the character.</summary>
    /// <param name="c">The character.</param>
    /// <returns><see langword="true"/> for a line boundary.</returns>
    public static bool IsLineBoundary(char c) => c switch
    {
        '\n' or '\r' or '\v' or '\f' or '\u001C' or '\u001D' or '\u001E' or '\u0085' or '\u2028' or '\u2029' => true,
        _ => false,
    };

    /// <summary>Removes leading and trailing whitespace, as Python's <c>str.strip()</c> does.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text without surrounding whitespace.</returns>
    public static ReadOnlySpan<char> Strip(ReadOnlySpan<char> text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsWhitespace(text[start]))
        {
            start++;
        }

        while (end > start && IsWhitespace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    /// <summary>
    /// Cuts text into lines the way Python reads a text file and calls <c>splitlines()</c>: <c>\r\n</c> counts
    /// as one boundary, and a boundary at the very end does not open an empty last line.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <returns>The lines, without their boundaries.</returns>
    public static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var lineStart = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (!IsLineBoundary(c))
            {
                i++;
                continue;
            }

            lines.Add(text[lineStart..i]);
            i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
            lineStart = i;
        }

        if (lineStart < text.Length)
        {
            lines.Add(text[lineStart..]);
        }

        return lines;
    }
}
