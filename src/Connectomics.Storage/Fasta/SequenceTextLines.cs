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
    private const int BufferSize = 1 << 16;

    private static readonly SearchValues<char> Binary = SearchValues.Create(
        "\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly TextReader? _reader;
    private readonly Stream? _stream;
    private readonly byte[] _buffer = [];
    private ArrayBufferWriter<byte>? _long;
    private int _start;
    private int _end;
    private bool _endOfStream;

    /// <summary>Initializes the lines of a text the caller owns.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="name">The file name errors give.</param>
    public SequenceTextLines(TextReader reader, string name)
    {
        _reader = reader;
        Name = name;
    }

    private SequenceTextLines(Stream stream, string name)
    {
        _stream = stream;
        _buffer = new byte[BufferSize];
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

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
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
            return new SequenceTextLines(content, name);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads the next line.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The line without its end (<c>\n</c> or <c>\r\n</c>), or null at the end of the text.</returns>
    /// <exception cref="FastaFormatException">The line is not text, or the gzip data is damaged.</exception>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        string? line;
        if (_reader is not null)
        {
            line = await _reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            LineNumber += line is null ? 0 : 1;
        }
        else
        {
            line = await ReadStreamLineAsync(cancellationToken).ConfigureAwait(false);
        }

        if (line is null)
        {
            return null;
        }

        var binary = line.AsSpan().IndexOfAny(Binary);
        if (binary >= 0)
        {
            throw new FastaFormatException(
                $"the file is not text: column {binary + 1} holds the control character 0x{(int)line[binary]:x2} (binary data).", Name, LineNumber);
        }

        return line;
    }

    private async ValueTask<string?> ReadStreamLineAsync(CancellationToken cancellationToken)
    {
        _long?.ResetWrittenCount();
        var spilled = false;
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var end = _start + newline;
                var line = spilled ? Spill(end) : Decode(_buffer.AsSpan(_start, newline));
                _start = end + 1;
                return line;
            }

            if (_endOfStream)
            {
                if (_start == _end && !spilled)
                {
                    return null;
                }

                var line = spilled ? Spill(_end) : Decode(_buffer.AsSpan(_start, _end - _start));
                _start = _end;
                return line;
            }

            if (_start < _end)
            {
                // The line goes on past the buffer: keep what there is and read on.
                (_long ??= new ArrayBufferWriter<byte>(BufferSize)).Write(_buffer.AsSpan(_start, _end - _start));
                spilled = true;
            }

            _start = 0;
            _end = 0;
            int read;
            try
            {
                read = await _stream!.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                throw new FastaFormatException($"the gzip data is damaged ({e.Message.Trim()}).", Name, LineNumber + 1, e);
            }

            _endOfStream = read == 0;
            _end = read;
        }
    }

    private string Spill(int end)
    {
        var spilled = _long!;
        spilled.Write(_buffer.AsSpan(_start, end - _start));
        return Decode(spilled.WrittenSpan);
    }

    private string Decode(ReadOnlySpan<byte> bytes)
    {
        LineNumber++;
        if (LineNumber == 1 && bytes.StartsWith(Utf8ByteOrderMark))
        {
            bytes = bytes[Utf8ByteOrderMark.Length..];
        }

        if (!bytes.IsEmpty && bytes[^1] == (byte)'\r')
        {
            bytes = bytes[..^1];
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new FastaFormatException("the file is not text: the line holds bytes that are not UTF-8 (binary data).", Name, LineNumber, e);
        }
    }

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <inheritdoc/>
    public void Dispose() => _stream?.Dispose();
}
