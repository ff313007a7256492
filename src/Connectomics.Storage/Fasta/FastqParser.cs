using System.Runtime.CompilerServices;

namespace Connectomics.Storage.Fasta;

/// <summary>
/// Parses FASTQ text: records of four lines, a header <c>@id description</c>, the sequence, a separator starting with
/// <c>+</c>, and a quality line as long as the sequence. Blank lines between records are skipped.
/// </summary>
internal static class FastqParser
{
    /// <summary>Parses the records of a text, in order.</summary>
    /// <param name="lines">The text.</param>
    /// <param name="cancellationToken">Cancels the parsing.</param>
    /// <returns>The records; an empty sequence line gives an empty sequence.</returns>
    /// <exception cref="FastaFormatException">A line out of place, a quality line whose length differs from the
    /// sequence's, a record cut short, a text that is not text, or a text without any record.</exception>
    public static async IAsyncEnumerable<SequenceEntry> ParseAsync(SequenceTextLines lines, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var records = 0L;
        string? line;
        while ((line = await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false)) is not null)
        {
            if (line.AsSpan().Trim().IsEmpty)
            {
                continue;
            }

            if (!line.StartsWith('@'))
            {
                throw new FastaFormatException("expected a FASTQ header line starting with '@'.", lines.Name, lines.LineNumber);
            }

            var (id, description) = SequenceEntry.SplitHeader(line, lines);
            var headerLine = lines.LineNumber;
            var sequence = (await Next("the sequence line").ConfigureAwait(false)).Trim();
            var separator = await Next("the '+' separator line").ConfigureAwait(false);
            if (!separator.StartsWith('+'))
            {
                throw new FastaFormatException("expected the '+' separator line of the record.", lines.Name, lines.LineNumber);
            }

            var quality = (await Next("the quality line").ConfigureAwait(false)).Trim();
            if (quality.Length != sequence.Length)
            {
                throw new FastaFormatException(
                    $"the quality line of record '{id}' has {quality.Length} character(s) but its sequence has {sequence.Length}.", lines.Name, lines.LineNumber);
            }

            records++;
            yield return new SequenceEntry(id, description, sequence, headerLine);
        }

        if (records == 0)
        {
            throw FastaFormatException.ForFile(lines.Name, "the file holds no FASTQ record (no '@' header line).");
        }

        async ValueTask<string> Next(string what) =>
            await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new FastaFormatException($"the file ends inside a record; expected {what}.", lines.Name, lines.LineNumber + 1);
    }
}
