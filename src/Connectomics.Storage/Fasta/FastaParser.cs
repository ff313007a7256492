using System.Runtime.CompilerServices;
using System.Text;

namespace Connectomics.Storage.Fasta;

/// <summary>
/// Parses FASTA text: a header line <c>&gt;id description</c> followed by sequence lines of any width. Blank lines and
/// <c>;</c> comment lines are skipped and whitespace inside sequence lines is removed.
/// </summary>
internal static class FastaParser
{
    /// <summary>Parses the records of a text, in order.</summary>
    /// <param name="lines">The text.</param>
    /// <param name="cancellationToken">Cancels the parsing.</param>
    /// <returns>The records; a header without sequence lines gives an empty sequence.</returns>
    /// <exception cref="FastaFormatException">Sequence before the first header, a header without id, a text that is not
    /// text, or a text without any record.</exception>
    public static async IAsyncEnumerable<SequenceEntry> ParseAsync(SequenceTextLines lines, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? id = null;
        var description = string.Empty;
        long headerLine = 0;
        var sequence = new StringBuilder();
        string? line;
        while ((line = await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false)) is not null)
        {
            if (line.StartsWith('>'))
            {
                if (id is not null)
                {
                    yield return new SequenceEntry(id, description, sequence.ToString(), headerLine);
                }

                (id, description) = SequenceEntry.SplitHeader(line, lines);
                headerLine = lines.LineNumber;
                sequence.Clear();
                continue;
            }

            var content = line.AsSpan().Trim();
            if (content.IsEmpty || content[0] == ';')
            {
                continue;
            }

            if (id is null)
            {
                throw new FastaFormatException("sequence data before the first '>' header.", lines.Name, lines.LineNumber);
            }

            foreach (var c in content)
            {
                if (!char.IsWhiteSpace(c))
                {
                    sequence.Append(c);
                }
            }
        }

        if (id is null)
        {
            throw FastaFormatException.ForFile(lines.Name, "the file holds no FASTA record (no '>' header line).");
        }

        yield return new SequenceEntry(id, description, sequence.ToString(), headerLine);
    }
}
