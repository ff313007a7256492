using Apache.Arrow;
using Connectomics.Storage.Lance;

namespace Connectomics.Lance.Tables;

/// <summary>Reads the first rows of a table, stopping the scan as soon as it has them.</summary>
internal static class TableRows
{
    public static async Task<IReadOnlyList<RecordBatch>> FirstAsync(LanceTable table, int count, CancellationToken cancellationToken)
    {
        var batches = new List<RecordBatch>();
        var remaining = count;
        if (remaining == 0)
        {
            return batches;
        }

        await foreach (var batch in table.ScanAsync(cancellationToken: cancellationToken))
        {
            batches.Add(batch.Length <= remaining ? batch : batch.Slice(0, remaining));
            remaining -= batches[^1].Length;
            if (remaining == 0)
            {
                break;
            }
        }

        return batches;
    }
}
