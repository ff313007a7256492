using Apache.Arrow;
using Connectomics.Storage.Lance;

namespace Connectomics.Volumes.Tests.Pipelines;

/// <summary>A table's rows read back through our Lance reader: by id, each column's value and the vector.</summary>
internal static class TableRows
{
    public static async Task<SortedDictionary<string, (Dictionary<string, object?> Values, float[] Vector)>> ReadAsync(string database, string table)
    {
        var rows = new SortedDictionary<string, (Dictionary<string, object?> Values, float[] Vector)>(StringComparer.Ordinal);
        var lance = await LanceTable.OpenAsync(Path.Combine(database, table + ".lance"));
        await foreach (var batch in lance.ScanAsync())
        {
            for (var i = 0; i < batch.Length; i++)
            {
                var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                float[] vector = [];
                for (var c = 0; c < batch.ColumnCount; c++)
                {
                    var name = batch.Schema.FieldsList[c].Name;
                    var column = batch.Column(c);
                    if (column is FixedSizeListArray list)
                    {
                        var floats = (FloatArray)list.Values;
                        var width = floats.Length / list.Length;
                        vector = [.. floats.Values.Slice(i * width, width)];
                        continue;
                    }

                    values[name] = column.IsNull(i) ? null : column switch
                    {
                        StringArray s => s.GetString(i),
                        Int32Array a => a.GetValue(i),
                        Int64Array a => a.GetValue(i),
                        FloatArray a => a.GetValue(i),
                        DoubleArray a => a.GetValue(i),
                        _ => throw new InvalidOperationException($"Column {name}: {column.GetType().Name}"),
                    };
                }

                Assert.True(rows.TryAdd((string)values["id"]!, (values, vector)), $"The id {values["id"]} is in the table twice.");
            }
        }

        return rows;
    }
}
