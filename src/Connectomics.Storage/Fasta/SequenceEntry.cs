namespace Connectomics.Storage.Fasta;

/// <summary>One record of a FASTA or FASTQ text as parsed, before any case handling.</summary>
/// <param name="Id">The header's first word.</param>
/// <param name="Description">The rest of the header line, trimmed; empty when there is none.</param>
/// <param name="Sequence">The residues, every line joined, whitespace removed; empty for a header with no sequence.</param>
/// <param name="HeaderLine">The 1-based line of the header.</param>
internal readonly record struct SequenceEntry(string Id, string Description, string Sequence, long HeaderLine)
{
    /// <summary>Splits a header line (<c>&gt;id description</c> or <c>@id description</c>) into the id and the description.</summary>
    /// <param name="line">The header line, marker included.</param>
    /// <param name="lines">The text, for errors.</param>
    /// <returns>The id and the description.</returns>
    /// <exception cref="FastaFormatException">The header has no id.</exception>
    public static (string Id, string Description) SplitHeader(string line, SequenceTextLines lines)
    {
        var header = line.AsSpan(1).Trim();
        var split = header.IndexOfAny(' ', '\t');
        var id = (split < 0 ? header : header[..split]).ToString();
        if (id.Length == 0)
        {
            throw new FastaFormatException($"the header has no id after '{line[0]}'.", lines.Name, lines.LineNumber);
        }

        return (id, split < 0 ? string.Empty : header[(split + 1)..].Trim().ToString());
    }
}
