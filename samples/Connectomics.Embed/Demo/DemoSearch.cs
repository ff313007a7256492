using System.Globalization;
using Apache.Arrow;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Lance.Search;

namespace Connectomics.Embed.Demo;

/// <summary>
/// The demo's similarity search: takes one read's stored vector from the table and lists its nearest rows with their
/// taxonomy and coordinates, the way a user would look into a table with LanceDB.
/// </summary>
internal static class DemoSearch
{
    public static async Task WriteNeighboursAsync(string database, string table, string queryId, int k, TextWriter output, CancellationToken cancellationToken)
    {
        var lance = await LanceDatabase.Open(database).OpenTableAsync(table, cancellationToken);
        float[]? query = null;
        string? queryTaxonomy = null;
        await foreach (var batch in lance.ScanAsync(["id", DemoDataset.TaxonomyColumn, "vector"], cancellationToken))
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
                        queryTaxonomy = ((StringArray)batch.Column(DemoDataset.TaxonomyColumn)).GetString(row);
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
            .Select("id", DemoDataset.TaxonomyColumn, "contig", "start", "end")
            .ToBatchAsync(cancellationToken);
        await output.WriteLineAsync($"nearest {k} rows to {queryId} ({Species(queryTaxonomy)}) by cosine distance, of {lance.RowCount} in '{table}':");
        var idColumn = (StringArray)found.Column("id");
        var taxonomy = (StringArray)found.Column(DemoDataset.TaxonomyColumn);
        var contig = (StringArray)found.Column("contig");
        var start = (Int64Array)found.Column("start");
        var end = (Int64Array)found.Column("end");
        var distance = (FloatArray)found.Column(VectorQuery.DistanceColumn);
        for (var row = 0; row < found.Length; row++)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  {distance.GetValue(row),8:F5}  {idColumn.GetString(row)}  {contig.GetString(row)}:{start.GetValue(row)}-{end.GetValue(row)}  {taxonomy.GetString(row)}"));
        }
    }

    private static string Species(string? taxonomy) => taxonomy?.Split(';')[^1] ?? "no taxonomy";
}
