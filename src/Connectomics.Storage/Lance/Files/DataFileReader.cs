using System.Buffers.Binary;
using Apache.Arrow;
using Connectomics.Storage.Lance.Encodings;
using Connectomics.Storage.Lance.Protobuf;
using Connectomics.Storage.Lance.Schema;
using Microsoft.Win32.SafeHandles;

namespace Connectomics.Storage.Lance.Files;

/// <summary>Reads whole columns of one Lance data file (container v2.x, format 2.0 or 2.1).</summary>
internal static class DataFileReader
{
    public static async Task<IArrowArray[]> ReadColumnsAsync(string path, IReadOnlyList<(int Column, ColumnType Type)> columns, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous | FileOptions.RandomAccess);
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

        var cmo = await ReadAsync(handle, cmoPosition, columnCount * 16, path, cancellationToken).ConfigureAwait(false);
        var result = new IArrowArray[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            var (column, type) = columns[i];
            if (column < 0 || column >= columnCount)
            {
                throw new LanceFormatException($"Column {column} does not exist (the file has {columnCount}).", path);
            }

            var metaPosition = (long)BinaryPrimitives.ReadUInt64LittleEndian(cmo.AsSpan(column * 16));
            var metaLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(cmo.AsSpan((column * 16) + 8));
            var meta = await ReadAsync(handle, metaPosition, metaLength, path, cancellationToken).ConfigureAwait(false);
            try
            {
                result[i] = await ReadColumnAsync(handle, meta, type, v21, path, cancellationToken).ConfigureAwait(false);
            }
            catch (LanceFormatException e) when (e.FilePath is null)
            {
                throw new LanceFormatException($"Column {column}: {e.Message}", path);
            }
        }

        return result;
    }

    private static async Task<IArrowArray> ReadColumnAsync(SafeFileHandle handle, byte[] meta, ColumnType type, bool v21, string path, CancellationToken cancellationToken)
    {
        var pages = new List<byte[]>();
        var r = new ProtoReader(meta);
        while (r.TryReadTag(out var f, out var w))
        {
            if (f == 2)
            {
                pages.Add(r.ReadBytes().ToArray());
            }
            else
            {
                r.Skip(w);
            }
        }

        var output = new ColumnAccumulator(type);
        foreach (var page in pages)
        {
            var offsets = new List<ulong>();
            var sizes = new List<ulong>();
            ulong rows = 0;
            byte[] encoding = [];
            var p = new ProtoReader(page);
            while (p.TryReadTag(out var f, out var w))
            {
                switch (f)
                {
                    case 1: p.ReadRepeatedVarint(w, offsets); break;
                    case 2: p.ReadRepeatedVarint(w, sizes); break;
                    case 3: rows = p.ReadVarint(); break;
                    case 4: encoding = p.ReadBytes().ToArray(); break;
                    default: p.Skip(w); break;
                }
            }

            if (offsets.Count != sizes.Count)
            {
                throw new LanceFormatException("Page buffer offsets and sizes differ in count.");
            }

            var buffers = new ReadOnlyMemory<byte>[offsets.Count];
            for (var b = 0; b < buffers.Length; b++)
            {
                if (sizes[b] > (ulong)System.Array.MaxLength || offsets[b] > long.MaxValue)
                {
                    throw new LanceFormatException($"A page buffer of {sizes[b]} bytes is larger than one Arrow buffer can hold; such pages are not read yet.");
                }

                buffers[b] = await ReadAsync(handle, (long)offsets[b], (int)sizes[b], path, cancellationToken).ConfigureAwait(false);
            }

            if (rows > int.MaxValue || (long)output.Length + (long)rows > int.MaxValue)
            {
                throw new LanceFormatException($"The column has more than {int.MaxValue} rows in one file.");
            }

            var (url, value) = EncodingMessages.ReadDirectEncoding(encoding);
            var before = output.Length;
            if (!v21 && url.EndsWith("/lance.encodings.ArrayEncoding", StringComparison.Ordinal))
            {
                PageDecoderV20.Decode(value, buffers, (int)rows, output);
            }
            else if (v21 && url.EndsWith("/lance.encodings21.PageLayout", StringComparison.Ordinal))
            {
                PageDecoderV21.Decode(value, buffers, (int)rows, output);
            }
            else
            {
                throw new LanceFormatException($"Page encoding '{url}' does not belong to this file version.");
            }

            if (output.Length - before != (int)rows)
            {
                throw new LanceFormatException($"Page decoded to {output.Length - before} rows; it declares {rows}.");
            }
        }

        return output.Build();
    }

    private static async Task<byte[]> ReadAsync(SafeFileHandle handle, long offset, int count, string path, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        var done = 0;
        while (done < count)
        {
            var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(done), offset + done, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new LanceFormatException($"Unexpected end of file reading {count} bytes at {offset}.", path);
            }

            done += read;
        }

        return buffer;
    }
}
