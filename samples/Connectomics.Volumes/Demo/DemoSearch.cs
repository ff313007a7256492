using System.Globalization;
using Apache.Arrow;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Search;

namespace Connectomics.VolumesTool.Demo;

/// <summary>The demo's similarity search: one cell's stored vector, and its nearest cells in the table with their boxes.</summary>
internal static class DemoSearch
{
    public static async Task WriteNeighboursAsync(string database, string table, string queryId, int k, TextWriter output, CancellationToken cancellationToken)
    {
        var lance = await LanceDatabase.Open(database).OpenTableAsync(table, cancellationToken);
        float[]? query = null;
        string? queryBox = null;
        await foreach (var batch in lance.ScanAsync(["id", "z0", "y0", "x0", "z1", "y1", "x1", "vector"], cancellationToken))
        {
            using (batch)
            {
                var ids = (StringArray)batch.Column("id");
                for (var row = 0; row < batch.Length && query is null; row++)
                {
                    if (ids.GetString(row) == queryId)
                    {
                        var vectors = (FixedSizeListArray)batch.Column("vector");
                        var values = (FloatArray)vectors.Values;
                        var dimension = ((Apache.Arrow.Types.FixedSizeListType)vectors.Data.DataType).ListSize;
                        query = values.Values.Slice((vectors.Offset + row) * dimension, dimension).ToArray();
                        queryBox = Box(batch, row);
                    }
                }
            }

            if (query is not null)
            {
                break;
            }
        }

        if (query is null)
        {
            throw new InvalidOperationException($"The demo table '{table}' has no row '{queryId}'.");
        }

        var found = await lance.Search(query)
            .Metric(DistanceMetric.Cosine)
            .Limit(k)
            .Select("id", "z0", "y0", "x0", "z1", "y1", "x1", "filled")
            .ToBatchAsync(cancellationToken);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"nearest {k} cells to {queryId} {queryBox} by cosine distance, of {lance.RowCount} in '{table}':"));
        var idColumn = (StringArray)found.Column("id");
        var distance = (FloatArray)found.Column(VectorQuery.DistanceColumn);
        for (var row = 0; row < found.Length; row++)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {distance.GetValue(row),11:E3}  {idColumn.GetString(row)}  {Box(found, row)}"));
        }
    }

    private static string Box(RecordBatch batch, int row)
    {
        long At(string name) => ((Int64Array)batch.Column(name)).GetValue(row) ?? 0;
        return string.Create(CultureInfo.InvariantCulture, $"z {At("z0")}-{At("z1")}, y {At("y0")}-{At("y1")}, x {At("x0")}-{At("x1")}");
    }
}
