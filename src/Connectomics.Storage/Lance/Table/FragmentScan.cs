using System.Globalization;
using Apache.Arrow;
using Connectomics.Storage.Lance.Encodings;
using Connectomics.Storage.Lance.Files;
using Connectomics.Storage.Lance.Metadata;
using Connectomics.Storage.Lance.Schema;
using ArrowSchema = Apache.Arrow.Schema;

namespace Connectomics.Storage.Lance.Table;

/// <summary>
/// Random access to the batches of one fragment for a set of columns: one batch per page when every column is paged
/// alike, otherwise one batch for the fragment. Batches hold every physical row (deleted rows included, see
/// <see cref="IsDeleted"/>), so a row keeps its position. <see cref="ReadBatchAsync"/> may be called from several
/// threads at once.
/// </summary>
internal sealed class FragmentScan : IDisposable
{
    private readonly List<DataFileReader> _readers;
    private readonly (DataFileReader Reader, List<PageInfo> Pages)?[] _sources;
    private readonly List<ColumnType> _types;
    private readonly List<long> _batchStarts;
    private readonly List<int> _batchRows;
    private readonly bool _aligned;
    private readonly HashSet<uint>? _deleted;

    private FragmentScan(
        ArrowSchema schema,
        List<DataFileReader> readers,
        (DataFileReader Reader, List<PageInfo> Pages)?[] sources,
        List<ColumnType> types,
        List<int> batchRows,
        bool aligned,
        HashSet<uint>? deleted)
    {
        Schema = schema;
        _readers = readers;
        _sources = sources;
        _types = types;
        _batchRows = batchRows;
        _aligned = aligned;
        _deleted = deleted;
        _batchStarts = [];
        long start = 0;
        foreach (var rows in batchRows)
        {
            _batchStarts.Add(start);
            start += rows;
        }
    }

    /// <summary>Gets the schema of the batches.</summary>
    public ArrowSchema Schema { get; }

    /// <summary>Gets the number of batches.</summary>
    public int BatchCount => _batchRows.Count;

    /// <summary>Gets the fragment row offset of a batch's first row.</summary>
    public long BatchStart(int batch) => _batchStarts[batch];

    /// <summary>Gets whether the fragment has deleted rows.</summary>
    public bool HasDeletions => _deleted is { Count: > 0 };

    /// <summary>Gets whether the row at a fragment offset is deleted.</summary>
    public bool IsDeleted(long row) => _deleted is not null && _deleted.Contains((uint)row);

    /// <summary>Opens the data files of a fragment that hold the given top-level fields.</summary>
    public static async Task<FragmentScan> OpenAsync(
        string tablePath, FragmentInfo fragment, IReadOnlyList<LanceFieldInfo> fields, ArrowSchema schema, CancellationToken cancellationToken)
    {
        var readers = new Dictionary<string, DataFileReader>(StringComparer.Ordinal);
        try
        {
            var rows = (long)fragment.PhysicalRows;
            var sources = new (DataFileReader Reader, List<PageInfo> Pages)?[fields.Count];
            for (var i = 0; i < fields.Count; i++)
            {
                foreach (var file in fragment.Files)
                {
                    var at = file.Fields.IndexOf(fields[i].Id);
                    if (at < 0)
                    {
                        continue;
                    }

                    var path = TableLayout.DataFilePath(tablePath, file.Path);
                    if (!readers.TryGetValue(path, out var reader))
                    {
                        reader = await DataFileReader.OpenAsync(path, cancellationToken).ConfigureAwait(false);
                        readers.Add(path, reader);
                    }

                    var column = at < file.ColumnIndices.Count ? file.ColumnIndices[at] : at;
                    var pages = await reader.ReadPagesAsync(column, cancellationToken).ConfigureAwait(false);
                    var total = pages.Sum(p => (long)p.Rows);
                    if (total != rows)
                    {
                        throw new LanceFormatException(string.Create(CultureInfo.InvariantCulture, $"Column {column} holds {total} rows; the fragment has {rows}."), path);
                    }

                    sources[i] = (reader, pages);
                    break;
                }
            }

            var deleted = fragment.DeletionFile is { NumDeletedRows: > 0 }
                ? await DeletionVector.ReadAsync(tablePath, fragment, cancellationToken).ConfigureAwait(false)
                : null;
            var stored = sources.Where(s => s is not null).Select(s => s!.Value.Pages).ToList();
            var aligned = stored.Count > 0 && stored.All(p => p.Count == stored[0].Count && p.Select(x => x.Rows).SequenceEqual(stored[0].Select(x => x.Rows)));
            var batchRows = aligned ? stored[0].Select(p => (long)p.Rows).ToList() : [rows];
            if (batchRows.FirstOrDefault(count => count > int.MaxValue) is > 0 and var oversized)
            {
                throw new LanceFormatException(string.Create(CultureInfo.InvariantCulture, $"A batch of {oversized} rows is larger than one Arrow array can hold."), tablePath);
            }

            var types = fields.Select(f => LanceSchemaConverter.Describe(LanceSchemaConverter.ToArrowField(f).DataType)!).ToList();
            return new FragmentScan(schema, [.. readers.Values], sources, types, [.. batchRows.Select(r => (int)r)], aligned, deleted);
        }
        catch
        {
            foreach (var reader in readers.Values)
            {
                reader.Dispose();
            }

            throw;
        }
    }

    /// <summary>Reads one batch, every physical row included.</summary>
    /// <param name="batch">The batch index.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <param name="rental">Lends the page buffers; the batch is valid only until it takes them back.</param>
    public async Task<RecordBatch> ReadBatchAsync(int batch, CancellationToken cancellationToken, PageBufferRental? rental = null)
    {
        var count = _batchRows[batch];
        var arrays = new IArrowArray[_types.Count];
        for (var i = 0; i < _types.Count; i++)
        {
            var output = new ColumnAccumulator(_types[i]);
            if (_sources[i] is not { } source)
            {
                for (var r = 0; r < count; r++)
                {
                    output.AppendValidity(false);
                }

                output.AppendZeros(count);
            }
            else if (_aligned)
            {
                await source.Reader.ReadPageAsync(source.Pages[batch], output, cancellationToken, rental).ConfigureAwait(false);
            }
            else
            {
                foreach (var page in source.Pages)
                {
                    await source.Reader.ReadPageAsync(page, output, cancellationToken, rental).ConfigureAwait(false);
                }
            }

            arrays[i] = output.Build();
        }

        return new RecordBatch(Schema, arrays, count);
    }

    public void Dispose()
    {
        foreach (var reader in _readers)
        {
            reader.Dispose();
        }
    }
}
