using System.Buffers;
using System.IO.Compression;
using System.Text;

namespace Connectomics.Storage.Fasta;

/// <summary>
/// The lines of a FASTA or FASTQ text, counted, with anything that is not text refused: a file is read through gzip
/// when it starts with the gzip magic bytes <c>1f 8b</c> (whatever its name; every member of a multi-member file),
/// decoded as strict UTF-8, and a line holding a NUL or another control character (other than tab, carriage return
/// and form feed) is binary data. Errors are <see cref="FastaFormatException"/>s naming the file and line.
/// </summary>
internal sealed class SequenceTextLines : IDisposable
{
    private static readonly SearchValues<char> Binary = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly TextReader _reader;
    private readonly bool _ownsReader;

    /// <summary>Initializes the lines of a text the caller owns.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="name">The file name errors give.</param>
    public SequenceTextLines(TextReader reader, string name)
        : this(reader, name, ownsReader: false)
    {
    }

    private SequenceTextLines(TextReader reader, string name, bool ownsReader)
    {
        _reader = reader;
        _ownsReader = ownsReader;
        Name = name;
    }

    /// <summary>Gets the file name errors give.</summary>
    public string Name { get; }

    /// <summary>Gets the 1-based number of the last line read (0 before the first).</summary>
    public long LineNumber { get; private set; }

    /// <summary>Opens a file, through gzip when it starts with the gzip magic bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="name">The file name errors give.</param>
    /// <returns>The lines; dispose them to close the file.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FastaFormatException">The file is empty (0 bytes).</exception>
    public static SequenceTextLines Open(string path, string name)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The sequence file '{path}' does not exist.", path);
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            Span<byte> head = stackalloc byte[2];
            var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            if (read == 0)
            {
                throw FastaFormatException.ForFile(name, "the file is empty (0 bytes).");
            }

            file.Position = 0;
            Stream content = read == 2 && head[0] == 0x1f && head[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
            return new SequenceTextLines(new StreamReader(content, StrictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16), name, ownsReader: true);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads the next line.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The line without its end, or null at the end of the text.</returns>
    /// <exception cref="FastaFormatException">The line is not text, or the gzip data is damaged.</exception>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        string? line;
        try
        {
            line = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DecoderFallbackException e)
        {
            throw new FastaFormatException("the file is not text: it holds bytes that are not UTF-8 (binary data).", Name, LineNumber + 1, e);
        }
        catch (InvalidDataException e)
        {
            throw new FastaFormatException($"the gzip data is damaged ({e.Message.Trim()}).", Name, LineNumber + 1, e);
        }

        if (line is null)
        {
            return null;
        }

        LineNumber++;
        var binary = line.AsSpan().IndexOfAny(Binary);
        if (binary >= 0)
        {
            throw new FastaFormatException(
                $"the file is not text: column {binary + 1} holds the control character 0x{(int)line[binary]:x2} (binary data).", Name, LineNumber);
        }

        return line;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsReader)
        {
            _reader.Dispose();
        }
    }
}
