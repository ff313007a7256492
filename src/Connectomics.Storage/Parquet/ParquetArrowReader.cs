using System.Globalization;
using System.Runtime.CompilerServices;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using ParquetSharp;
using ParquetSharp.Arrow;

namespace Connectomics.Storage.Parquet;

/// <summary>
/// One Parquet file opened for reading as Arrow record batches, every column, row group by row group, from the start
/// or from a <see cref="ParquetReadPosition"/>. Each <see cref="ParquetArrowBatch"/> carries the position after it,
/// from which a later reader continues without losing or repeating a row.
/// </summary>
/// <remarks>
/// <para>
/// Reading goes through the Arrow reader of Apache Parquet C++, one batch of at most the batch size at a time, so
/// memory stays bounded whatever the size of the file. The batches live in native memory: dispose each one when
/// done with it. Resuming inside a row group decodes and discards the rows before the position in that row group.
/// </para>
/// <para>
/// To read several files (a directory, a glob), resolve them with <see cref="ParquetInputFiles.Resolve"/> and open
/// them in that order; a position names its file, so resuming starts at the file of the position. A reader is not
/// thread-safe: enumerate it once at a time.
/// </para>
/// </remarks>
public sealed class ParquetArrowReader : IDisposable
{
    private static ReadOnlySpan<byte> Magic => "PAR1"u8;

    private readonly FileReader _reader;

    private ParquetArrowReader(string path, FileReader reader, Schema schema, long[] rowGroupRows)
    {
        FilePath = path;
        _reader = reader;
        Schema = schema;
        RowGroupRowCounts = rowGroupRows;
    }

    /// <summary>Gets the full path of the file.</summary>
    public string FilePath { get; }

    /// <summary>Gets the Arrow schema of the file's columns.</summary>
    public Schema Schema { get; }

    /// <summary>Gets the number of row groups.</summary>
    public int RowGroupCount => RowGroupRowCounts.Count;

    /// <summary>Gets the number of rows of each row group, as the file's metadata declares them.</summary>
    public IReadOnlyList<long> RowGroupRowCounts { get; }

    /// <summary>Gets the number of rows of the file.</summary>
    public long RowCount => RowGroupRowCounts.Sum();

    /// <summary>Opens a file.</summary>
    /// <param name="path">The Parquet file.</param>
    /// <param name="batchSize">The most rows of each batch read.</param>
    /// <returns>The reader; dispose it to close the file.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    /// <exception cref="ParquetInputException">The file does not exist, cannot be opened, is not Parquet, or its
    /// footer, schema or row-group metadata cannot be read; the exception names the file.</exception>
    public static ParquetArrowReader Open(string path, int batchSize = 4096)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var fullPath = Path.GetFullPath(path);
        var reader = OpenFileReader(fullPath, batchSize);
        try
        {
            Schema schema;
            try
            {
                schema = reader.Schema;
            }
            catch (ParquetException e)
            {
                throw new ParquetInputException(ParquetInputError.Corrupt, $"the schema cannot be read ({NativeErrorText.Of(e)}).", fullPath, innerException: e);
            }

            var rows = new long[reader.NumRowGroups];
            for (var i = 0; i < rows.Length; i++)
            {
                rows[i] = ReadRowGroupRowCount(reader, fullPath, i);
            }

            return new ParquetArrowReader(fullPath, reader, schema, rows);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Reads the rows as record batches, from <paramref name="start"/> or from the first row.</summary>
    /// <param name="start">Where to start: a position of this file (from <see cref="ParquetArrowBatch.Next"/>), or null for the first row.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The batches, in file order; none is empty. Each is the caller's to dispose.</returns>
    /// <exception cref="ParquetInputException">The position names another file or lies past the end of the file
    /// (<see cref="ParquetInputError.InvalidPosition"/>), or the data cannot be decoded
    /// (<see cref="ParquetInputError.Corrupt"/>, naming the row group and the row after which it failed).</exception>
    public async IAsyncEnumerable<ParquetArrowBatch> ReadAsync(ParquetReadPosition? start = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var fromRowGroup = 0;
        var fromRow = 0L;
        if (start is not null)
        {
            if (!string.Equals(start.FilePath, FilePath, StringComparison.Ordinal))
            {
                throw new ParquetInputException(
                    ParquetInputError.InvalidPosition, $"the start position names another file, '{start.FilePath}'.", FilePath);
            }

            fromRowGroup = start.RowGroup;
            fromRow = start.RowOffset;
        }

        CheckStart(_reader, FilePath, fromRowGroup, fromRow);
        for (var rowGroup = fromRowGroup; rowGroup < RowGroupCount; rowGroup++)
        {
            var rows = RowGroupRowCounts[rowGroup];
            var skip = rowGroup == fromRowGroup ? fromRow : 0;
            if (skip > rows)
            {
                throw new ParquetInputException(
                    ParquetInputError.InvalidPosition, $"the start position is past the end of the row group, which has {rows} row(s).", FilePath, rowGroup, skip);
            }

            if (skip == rows)
            {
                continue;
            }

            using var stream = OpenRowGroup(_reader, FilePath, rowGroup, null);
            var row = 0L;
            while (await ReadNextAsync(stream, FilePath, rowGroup, row, cancellationToken).ConfigureAwait(false) is { } batch)
            {
                var end = row + batch.Length;
                var first = (int)Math.Clamp(skip - row, 0, batch.Length);
                if (first == batch.Length)
                {
                    batch.Dispose();
                }
                else
                {
                    var next = end < rows ? new ParquetReadPosition(FilePath, rowGroup, end) : new ParquetReadPosition(FilePath, rowGroup + 1, 0);
                    yield return new ParquetArrowBatch(batch, first, new ParquetReadPosition(FilePath, rowGroup, row + first), next);
                }

                row = end;
            }

            if (row != rows)
            {
                throw new ParquetInputException(
                    ParquetInputError.Corrupt, $"the row group declares {rows} row(s) but {row} were read.", FilePath, rowGroup);
            }
        }
    }

    /// <summary>Closes the file. Batches already read stay valid until they are disposed.</summary>
    public void Dispose() => _reader.Dispose();

    /// <summary>Opens the Arrow reader of a file after checking that it exists and starts with the Parquet magic bytes.</summary>
    internal static FileReader OpenFileReader(string path, int batchSize)
    {
        CheckMagic(path);
        using var arrowProperties = ArrowReaderProperties.GetDefault();
        arrowProperties.BatchSize = batchSize;
        arrowProperties.UseThreads = false;
        arrowProperties.PreBuffer = false;
        try
        {
            return new FileReader(path, arrowProperties: arrowProperties);
        }
        catch (ParquetException e)
        {
            throw new ParquetInputException(
                ParquetInputError.Corrupt, $"the file is truncated or not a Parquet file; its footer cannot be read ({NativeErrorText.Of(e)}).", path, innerException: e);
        }
    }

    /// <summary>Throws when a start row group lies past the end of the file.</summary>
    internal static void CheckStart(FileReader reader, string path, int fromRowGroup, long fromRow)
    {
        var rowGroups = reader.NumRowGroups;
        if (fromRowGroup > rowGroups || (fromRowGroup == rowGroups && fromRow > 0))
        {
            throw new ParquetInputException(
                ParquetInputError.InvalidPosition, $"the start position is past the end of the file, which has {rowGroups} row group(s).", path, fromRowGroup, fromRow);
        }
    }

    /// <summary>Reads the number of rows a row group declares.</summary>
    internal static long ReadRowGroupRowCount(FileReader reader, string path, int rowGroup)
    {
        try
        {
            using var group = reader.ParquetReader.RowGroup(rowGroup);
            return group.MetaData.NumRows;
        }
        catch (ParquetException e)
        {
            throw new ParquetInputException(ParquetInputError.Corrupt, $"the row group metadata cannot be read ({NativeErrorText.Of(e)}).", path, rowGroup, innerException: e);
        }
    }

    /// <summary>Opens the batch stream of one row group: the given leaf columns, or every column when null.</summary>
    internal static IArrowArrayStream OpenRowGroup(FileReader reader, string path, int rowGroup, int[]? leafColumns)
    {
        try
        {
            return leafColumns is null ? reader.GetRecordBatchReader([rowGroup]) : reader.GetRecordBatchReader([rowGroup], leafColumns);
        }
        catch (ParquetException e)
        {
            throw new ParquetInputException(ParquetInputError.Corrupt, $"the row group cannot be opened ({NativeErrorText.Of(e)}).", path, rowGroup, innerException: e);
        }
    }

    /// <summary>Reads the next batch of a row group's stream, or null at its end.</summary>
    internal static async ValueTask<RecordBatch?> ReadNextAsync(IArrowArrayStream stream, string path, int rowGroup, long row, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.ReadNextRecordBatchAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The Arrow C stream importer reports native read failures (bad pages, failed decompression) as plain
            // exceptions; all of them mean the data at this point cannot be decoded.
            throw new ParquetInputException(
                ParquetInputError.Corrupt, $"the data cannot be decoded after row {row} of the row group ({NativeErrorText.Of(e)}).", path, rowGroup, innerException: e);
        }
    }

    private static void CheckMagic(string path)
    {
        Span<byte> head = stackalloc byte[4];
        Span<byte> tail = stackalloc byte[4];
        int read;
        long length;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            length = file.Length;
            if (length >= 12)
            {
                file.Position = length - tail.Length;
                file.ReadExactly(tail);
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ParquetInputException(ParquetInputError.FileNotFound, "the file does not exist.", path, innerException: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ParquetInputException(ParquetInputError.Unreadable, $"the file cannot be opened ({e.Message.Trim()}).", path, innerException: e);
        }

        if (read == 0)
        {
            throw new ParquetInputException(ParquetInputError.NotParquet, "the file is empty (0 bytes), not a Parquet file.", path);
        }

        if (read < head.Length || !head.SequenceEqual(Magic))
        {
            throw new ParquetInputException(ParquetInputError.NotParquet, "the file is not a Parquet file (it does not start with the Parquet magic bytes 'PAR1').", path);
        }

        // A Parquet file ends with its footer and the magic bytes again; a file cut short (a copy or a writer that
        // was interrupted) lacks them.
        if (length < 12 || !tail.SequenceEqual(Magic))
        {
            throw new ParquetInputException(
                ParquetInputError.Corrupt,
                string.Create(CultureInfo.InvariantCulture, $"the file is truncated or not a Parquet file: it starts with the Parquet magic bytes 'PAR1' but does not end with them ({length} bytes)."),
                path);
        }
    }
}
