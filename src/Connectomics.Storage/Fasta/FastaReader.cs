using System.Runtime.CompilerServices;
using System.Text;
using Connectomics.Sequences;

namespace Connectomics.Storage.Fasta;

/// <summary>
/// Streams the records of a FASTA file: a header line <c>&gt;id description</c> followed by sequence lines of any
/// width. The id is the header up to the first whitespace; the description, when present, is kept as the
/// <c>description</c> metadata. Blank lines are skipped; whitespace inside sequence lines is removed.
/// </summary>
public static class FastaReader
{
    /// <summary>The metadata key under which the header text after the id is kept.</summary>
    public const string DescriptionKey = "description";

    /// <summary>Reads the records of a file, one at a time.</summary>
    /// <param name="path">The FASTA file.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The records, in file order.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FastaFormatException">Sequence before the first header, or an empty id.</exception>
    public static async IAsyncEnumerable<SequenceRecord> ReadAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"FASTA file '{path}' does not exist.", path);
        }

        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { Options = FileOptions.SequentialScan, BufferSize = 1 << 16 });
        await foreach (var record in ReadAsync(reader, path, cancellationToken).ConfigureAwait(false))
        {
            yield return record;
        }
    }

    /// <summary>Reads the records of FASTA text.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="sourceName">The name used in errors (a file path).</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The records, in order.</returns>
    /// <exception cref="FastaFormatException">Sequence before the first header, or an empty id.</exception>
    public static async IAsyncEnumerable<SequenceRecord> ReadAsync(TextReader reader, string sourceName, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? id = null;
        string? description = null;
        var sequence = new StringBuilder();
        long lineNumber = 0;
        string? line;
        while ((line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false)) is not null)
        {
            lineNumber++;
            if (line.StartsWith('>'))
            {
                if (id is not null)
                {
                    yield return Create(id, description, sequence);
                }

                var header = line.AsSpan(1).Trim();
                var split = header.IndexOfAny(' ', '\t');
                id = (split < 0 ? header : header[..split]).ToString();
                description = split < 0 ? null : header[(split + 1)..].Trim().ToString();
                if (id.Length == 0)
                {
                    throw new FastaFormatException("the header has no id after '>'.", sourceName, lineNumber);
                }

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
                throw new FastaFormatException("sequence data before the first '>' header.", sourceName, lineNumber);
            }

            foreach (var c in content)
            {
                if (!char.IsWhiteSpace(c))
                {
                    sequence.Append(c);
                }
            }
        }

        if (id is not null)
        {
            yield return Create(id, description, sequence);
        }
    }

    private static SequenceRecord Create(string id, string? description, StringBuilder sequence)
    {
        var record = new SequenceRecord(id, sequence.ToString());
        return string.IsNullOrEmpty(description)
            ? record
            : record with { Metadata = new Dictionary<string, object?> { [DescriptionKey] = description } };
    }
}
