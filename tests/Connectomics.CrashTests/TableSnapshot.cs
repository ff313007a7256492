using System.Globalization;
using Apache.Arrow;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Table;

namespace Connectomics.CrashTests;

/// <summary>
/// What a run left in a database: the table's rows by id (every column but the vector as exact text, the vector as
/// its float bit patterns), the quarantine's files with their rows, and the table's data files that no version refers
/// to.
/// </summary>
internal sealed class TableSnapshot
{
    private TableSnapshot(
        IReadOnlyList<string> ids, Dictionary<string, TableRow> rows, SortedDictionary<string, string[]> quarantine, IReadOnlyList<string> unreferenced, IReadOnlyList<string> staging)
    {
        StagingFiles = staging;
        Ids = ids;
        Rows = rows;
        Quarantine = quarantine;
        UnreferencedDataFiles = unreferenced;
    }

    /// <summary>Gets every id in table order, repeats included.</summary>
    public IReadOnlyList<string> Ids { get; }

    public IReadOnlyDictionary<string, TableRow> Rows { get; }

    /// <summary>Gets every file under the quarantine directory (relative path) with its rows as text; hidden files included.</summary>
    public SortedDictionary<string, string[]> Quarantine { get; }

    public IReadOnlyList<string> UnreferencedDataFiles { get; }

    /// <summary>Gets the staging files (<c>.tmp-*</c>) a killed commit left in the table's directories, which cleanup removes.</summary>
    public IReadOnlyList<string> StagingFiles { get; }

    public static async Task<TableSnapshot> ReadAsync(string database, string table)
    {
        var tablePath = Path.Combine(database, table + ".lance");
        var lance = await LanceTable.OpenAsync(tablePath);
        var ids = new List<string>();
        var rows = new Dictionary<string, TableRow>(StringComparer.Ordinal);
        await foreach (var batch in lance.ScanAsync())
        {
            var idColumn = (StringArray)batch.Column("id");
            var vectors = (FixedSizeListArray)batch.Column("vector");
            for (var r = 0; r < batch.Length; r++)
            {
                var id = idColumn.GetString(r);
                var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
                for (var c = 0; c < batch.ColumnCount; c++)
                {
                    var name = batch.Schema.GetFieldByIndex(c).Name;
                    if (name is not ("id" or "vector"))
                    {
                        values[name] = Cell(batch.Column(c), r);
                    }
                }

                var vector = LanceVectors.Get(vectors, r).ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
                ids.Add(id);
                rows[id] = new TableRow(values, vector);
            }
        }

        return new TableSnapshot(ids, rows, ReadQuarantine(Path.Combine(database, table + ".quarantine")), await UnreferencedAsync(tablePath),
            [.. Directory.EnumerateFiles(tablePath, ".tmp-*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(tablePath, p))]);
    }

    private static SortedDictionary<string, string[]> ReadQuarantine(string directory)
    {
        var files = new SortedDictionary<string, string[]>(StringComparer.Ordinal);
        if (!Directory.Exists(directory))
        {
            return files;
        }

        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var name = Path.GetRelativePath(directory, path);
            files[name] = Path.GetFileName(path).StartsWith('.') ? ["(hidden file)"] : QuarantineRows(path);
        }

        return files;
    }

    private static string[] QuarantineRows(string path)
    {
        using var reader = new ParquetSharp.Arrow.FileReader(path);
        using var batches = reader.GetRecordBatchReader();
        var rows = new List<string>();
        while (batches.ReadNextRecordBatchAsync().AsTask().GetAwaiter().GetResult() is { } batch)
        {
            using (batch)
            {
                for (var r = 0; r < batch.Length; r++)
                {
                    rows.Add(string.Join(" | ", Enumerable.Range(0, batch.ColumnCount).Select(c => $"{batch.Schema.GetFieldByIndex(c).Name}={Cell(batch.Column(c), r)}")));
                }
            }
        }

        return [.. rows];
    }

    /// <summary>The data files of the table that no version's manifest refers to.</summary>
    private static async Task<IReadOnlyList<string>> UnreferencedAsync(string tablePath)
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, manifestPath) in TableLayout.ListVersions(tablePath))
        {
            var manifest = await LoadedManifest.ReadAsync(manifestPath, CancellationToken.None);
            referenced.UnionWith(manifest.Manifest.Fragments.SelectMany(f => f.Files).Select(f => f.Path));
        }

        var dataDirectory = Path.Combine(tablePath, TableLayout.DataDirectory);
        return !Directory.Exists(dataDirectory)
            ? []
            : [.. Directory.EnumerateFiles(dataDirectory).Select(Path.GetFileName).OfType<string>().Where(n => !referenced.Contains(n)).Order(StringComparer.Ordinal)];
    }

    private static string Cell(IArrowArray column, int row)
    {
        if (column.IsNull(row))
        {
            return "null";
        }

        return column switch
        {
            StringArray s => s.GetString(row),
            DoubleArray d => BitConverter.DoubleToInt64Bits(d.GetValue(row)!.Value).ToString("X16", CultureInfo.InvariantCulture),
            FloatArray f => BitConverter.SingleToInt32Bits(f.GetValue(row)!.Value).ToString("X8", CultureInfo.InvariantCulture),
            Int64Array l => l.GetValue(row)!.Value.ToString(CultureInfo.InvariantCulture),
            Int32Array i => i.GetValue(row)!.Value.ToString(CultureInfo.InvariantCulture),
            BooleanArray b => b.GetValue(row)!.Value ? "true" : "false",
            _ => throw new NotSupportedException($"A column of {column.Data.DataType.Name} is not compared."),
        };
    }
}
