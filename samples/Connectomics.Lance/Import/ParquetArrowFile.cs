using Apache.Arrow;
using Apache.Arrow.Ipc;
using Connectomics.Lance.Commands;
using ParquetSharp;
using ParquetSharp.Arrow;

namespace Connectomics.Lance.Import;

/// <summary>One Parquet file opened for reading as Arrow record batches, one row group at a time, every column.</summary>
internal sealed class ParquetArrowFile : IDisposable
{
    private static ReadOnlySpan<byte> Magic => "PAR1"u8;

    private readonly FileReader _reader;

    private ParquetArrowFile(string path, FileReader reader, Schema schema)
    {
        Path = path;
        _reader = reader;
        Schema = schema;
    }

    public string Path { get; }

    public Schema Schema { get; }

    public int RowGroupCount => _reader.NumRowGroups;

    /// <summary>Opens a file; <paramref name="batchRows"/> caps the rows of each batch read.</summary>
    public static ParquetArrowFile Open(string path, int batchRows)
    {
        CheckMagic(path);
        using var arrowProperties = ArrowReaderProperties.GetDefault();
        arrowProperties.BatchSize = batchRows;
        arrowProperties.UseThreads = false;
        arrowProperties.PreBuffer = false;
        FileReader? reader = null;
        try
        {
            reader = new FileReader(path, arrowProperties: arrowProperties);
            return new ParquetArrowFile(path, reader, reader.Schema);
        }
        catch (ParquetException e)
        {
            reader?.Dispose();
            throw new CommandInputException($"'{path}': the Parquet footer or schema cannot be read ({FirstLine(e.Message)}).", e);
        }
    }

    /// <summary>Reads one row group as record batches in native memory; each batch is the caller's to dispose.</summary>
    public async IAsyncEnumerable<RecordBatch> ReadRowGroupAsync(int rowGroup, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        IArrowArrayStream stream;
        try
        {
            stream = _reader.GetRecordBatchReader([rowGroup]);
        }
        catch (ParquetException e)
        {
            throw new CommandInputException($"'{Path}', row group {rowGroup}: the row group cannot be opened ({FirstLine(e.Message)}).", e);
        }

        using (stream)
        {
            while (true)
            {
                RecordBatch? batch;
                try
                {
                    batch = await stream.ReadNextRecordBatchAsync(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw new CommandInputException($"'{Path}', row group {rowGroup}: the data cannot be decoded ({FirstLine(e.Message)}).", e);
                }

                if (batch is null)
                {
                    yield break;
                }

                yield return batch;
            }
        }
    }

    public void Dispose() => _reader.Dispose();

    private static void CheckMagic(string path)
    {
        Span<byte> head = stackalloc byte[4];
        int read;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CommandInputException($"'{path}': the file does not exist.", e);
        }

        if (read < head.Length || !head.SequenceEqual(Magic))
        {
            throw new CommandInputException($"'{path}': not a Parquet file (it does not start with 'PAR1').");
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
