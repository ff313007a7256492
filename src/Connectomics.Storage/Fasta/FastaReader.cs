using System.Runtime.CompilerServices;
using Connectomics.Sequences;

namespace Connectomics.Storage.Fasta;

/// <summary>
/// Streams the records of a FASTA file: a header line <c>&gt;id description</c> followed by sequence lines of any
/// width. The id is the header up to the first whitespace; the description, when present, is kept as the
/// <c>description</c> metadata. Blank lines are skipped; whitespace inside sequence lines is removed. Sequences are
/// returned exactly as written (soft-masked lower-case letters stay lower-case; <see cref="SequenceFileChunkSource"/>
/// upper-cases by default).
/// </summary>
/// <remarks>
/// A file is read through gzip when it starts with the gzip magic bytes, whatever its name. An empty file, text
/// without any record and binary data are errors, never an empty result.
/// </remarks>
public static class FastaReader
{
    /// <summary>The metadata key under which the header text after the id is kept.</summary>
    public const string DescriptionKey = "description";

    /// <summary>Reads the records of a file, one at a time.</summary>
    /// <param name="path">The FASTA file, plain or gzip-compressed.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The records, in file order.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FastaFormatException">Sequence before the first header, an empty id, an empty file or one
    /// without records, or data that is not text.</exception>
    public static async IAsyncEnumerable<SequenceRecord> ReadAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var lines = SequenceTextLines.Open(path, path);
        await foreach (var entry in FastaParser.ParseAsync(lines, cancellationToken).ConfigureAwait(false))
        {
            yield return Create(entry);
        }
    }

    /// <summary>Reads the records of FASTA text.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">The name used in errors (a file path).</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The records, in order.</returns>
    /// <exception cref="FastaFormatException">Sequence before the first header, an empty id, text without records,
    /// or data that is not text.</exception>
    public static async IAsyncEnumerable<SequenceRecord> ReadAsync(TextReader reader, string sourceName, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        using var lines = new SequenceTextLines(reader, sourceName);
        await foreach (var entry in FastaParser.ParseAsync(lines, cancellationToken).ConfigureAwait(false))
        {
            yield return Create(entry);
        }
    }

    private static SequenceRecord Create(SequenceEntry entry)
    {
        var record = new SequenceRecord(entry.Id, entry.Sequence);
        return entry.Description.Length == 0
            ? record
            : record with { Metadata = new Dictionary<string, object?> { [DescriptionKey] = entry.Description } };
    }
}
