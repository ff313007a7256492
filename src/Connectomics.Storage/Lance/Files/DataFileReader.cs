using System.Buffers.Binary;
using Connectomics.Storage.Lance.Encodings;
using Connectomics.Storage.Lance.Protobuf;
using Microsoft.Win32.SafeHandles;

namespace Connectomics.Storage.Lance.Files;

/// <summary>Reads the column metadata and pages of one Lance data file (container v2.x, format 2.0 or 2.1).</summary>
internal sealed class DataFileReader : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly byte[] _cmo;
    private readonly int _columnCount;
    private readonly bool _v21;

    private DataFileReader(string path, SafeFileHandle handle, byte[] cmo, int columnCount, bool v21)
    {
        Path = path;
        _handle = handle;
        _cmo = cmo;
        _columnCount = columnCount;
        _v21 = v21;
    }

    public string Path { get; }

    public static async Task<DataFileReader> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous | FileOptions.RandomAccess);
        try
        {
            var length = RandomAccess.GetLength(handle);
            if (length < DataFileWriter.FooterLength)
            {
                throw new LanceFormatException("File is too short to be a Lance data file.", path);
            }

            var footer = await ReadAsync(handle, length - DataFileWriter.FooterLength, DataFileWriter.FooterLength, path, cancellationToken).ConfigureAwait(false);
            if (!footer.AsSpan(36).SequenceEqual("LANC"u8))
            {
                throw new LanceFormatException("Missing LANC magic in the data file footer.", path);
            }

            var cmoPosition = (long)BinaryPrimitives.ReadUInt64LittleEndian(footer.AsSpan(8));
            var columnCount = (int)BinaryPrimitives.ReadUInt32LittleEndian(footer.AsSpan(28));
            var major = BinaryPrimitives.ReadUInt16LittleEndian(footer.AsSpan(32));
            var minor = BinaryPrimitives.ReadUInt16LittleEndian(footer.AsSpan(34));
            var v21 = (major, minor) switch
            {
                (0, 3) or (2, 0) => false,
                (2, 1) => true,
                _ => throw new LanceFormatException($"Data file version {major}.{minor} is not supported.", path),
            };

            if (columnCount < 0 || cmoPosition < 0 || cmoPosition + (columnCount * 16L) > length)
            {
                throw new LanceFormatException("Column metadata offsets lie outside the file.", path);
            }

            var cmo = await ReadAsync(handle, cmoPosition, columnCount * 16, path, cancellationToken).ConfigureAwait(false);
            return new DataFileReader(path, handle, cmo, columnCount, v21);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads the page descriptions of a column, in order.</summary>
    public async Task<List<PageInfo>> ReadPagesAsync(int column, CancellationToken cancellationToken)
    {
        if (column < 0 || column >= _columnCount)
        {
            throw new LanceFormatException($"Column {column} does not exist (the file has {_columnCount}).", Path);
        }

        var metaPosition = (long)BinaryPrimitives.ReadUInt64LittleEndian(_cmo.AsSpan(column * 16));
        var metaLength = BinaryPrimitives.ReadUInt64LittleEndian(_cmo.AsSpan((column * 16) + 8));
        if (metaLength > int.MaxValue)
        {
            throw new LanceFormatException($"Column {column} metadata is too large.", Path);
        }

        var meta = await ReadAsync(_handle, metaPosition, (int)metaLength, Path, cancellationToken).ConfigureAwait(false);
        var pages = new List<PageInfo>();
        try
        {
            var r = new ProtoReader(meta);
            while (r.TryReadTag(out var f, out var w))
            {
                if (f == 2)
                {
                    pages.Add(PageInfo.Read(r.ReadBytes()));
                }
                else
                {
                    r.Skip(w);
                }
            }
        }
        catch (LanceFormatException e) when (e.FilePath is null)
        {
            throw new LanceFormatException($"Column {column}: {e.Message}", Path);
        }

        return pages;
    }

    /// <summary>Reads and decodes one page into <paramref name="output"/>.</summary>
    /// <param name="page">The page.</param>
    /// <param name="output">Receives the rows.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <param name="rental">Lends the page buffers instead of allocating them; the decoded rows are valid only until it takes them back.</param>
    public async Task ReadPageAsync(PageInfo page, ColumnAccumulator output, CancellationToken cancellationToken, PageBufferRental? rental = null)
    {
        if (page.Rows > int.MaxValue || (long)output.Length + (long)page.Rows > int.MaxValue)
        {
            throw new LanceFormatException($"More than {int.MaxValue} rows in one batch.", Path);
        }

        var buffers = new ReadOnlyMemory<byte>[page.BufferOffsets.Count];
        for (var b = 0; b < buffers.Length; b++)
        {
            if (page.BufferSizes[b] > (ulong)System.Array.MaxLength || page.BufferOffsets[b] > long.MaxValue)
            {
                throw new LanceFormatException($"A page buffer of {page.BufferSizes[b]} bytes is larger than one Arrow buffer can hold; such pages are not read yet.", Path);
            }

            var size = (int)page.BufferSizes[b];
            var buffer = rental?.Rent(size) ?? new byte[size];
            await ReadIntoAsync(_handle, buffer.AsMemory(0, size), (long)page.BufferOffsets[b], Path, cancellationToken).ConfigureAwait(false);
            buffers[b] = buffer.AsMemory(0, size);
        }

        try
        {
            var (url, value) = EncodingMessages.ReadDirectEncoding(page.Encoding);
            var before = output.Length;
            if (!_v21 && url.EndsWith("/lance.encodings.ArrayEncoding", StringComparison.Ordinal))
            {
                PageDecoderV20.Decode(value, buffers, (int)page.Rows, output);
            }
            else if (_v21 && url.EndsWith("/lance.encodings21.PageLayout", StringComparison.Ordinal))
            {
                PageDecoderV21.Decode(value, buffers, (int)page.Rows, output);
            }
            else
            {
                throw new LanceFormatException($"Page encoding '{url}' does not belong to this file version.");
            }

            if (output.Length - before != (int)page.Rows)
            {
                throw new LanceFormatException($"Page decoded to {output.Length - before} rows; it declares {page.Rows}.");
            }
        }
        catch (LanceFormatException e) when (e.FilePath is null)
        {
            throw new LanceFormatException(e.Message, Path);
        }
    }

    public void Dispose() => _handle.Dispose();

    private static async Task<byte[]> ReadAsync(SafeFileHandle handle, long offset, int count, string path, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        await ReadIntoAsync(handle, buffer, offset, path, cancellationToken).ConfigureAwait(false);
        return buffer;
    }

    private static async Task ReadIntoAsync(SafeFileHandle handle, Memory<byte> buffer, long offset, string path, CancellationToken cancellationToken)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var read = await RandomAccess.ReadAsync(handle, buffer[done..], offset + done, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new LanceFormatException($"Unexpected end of file reading {buffer.Length} bytes at {offset}.", path);
            }

            done += read;
        }
    }
}
