using Apache.Arrow;
using Connectomics.Storage.Lance;

namespace Connectomics.Storage.Tests.Lance;

/// <summary>
/// Batches smaller than a page are combined into one page without being copied into one array where the layout
/// allows it; the data file must be byte for byte the one written from a single batch of the same rows.
/// </summary>
public sealed class PagesFromSeveralBatchesTests : IDisposable
{
    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-parts-");

    public void Dispose() => _db.Delete(recursive: true);

    [Theory]
    [InlineData(LanceDataStorageVersion.V2_0, 4, false)]
    [InlineData(LanceDataStorageVersion.V2_0, 96, false)]
    [InlineData(LanceDataStorageVersion.V2_0, 96, true)]
    [InlineData(LanceDataStorageVersion.V2_1, 4, false)]
    [InlineData(LanceDataStorageVersion.V2_1, 96, false)]
    [InlineData(LanceDataStorageVersion.V2_1, 96, true)]
    public async Task A_page_combined_from_batches_has_the_bytes_of_one_batch(LanceDataStorageVersion version, int dimension, bool withNulls)
    {
        const int rows = 300;
        var schema = withNulls ? SampleBatches.WideSchema(dimension) : SampleBatches.VectorSchema(dimension);
        RecordBatch Rows(int start, int count) => withNulls ? SampleBatches.Wide(start, count, dimension) : SampleBatches.Vectors(start, count, dimension);
        var options = new LanceWriteOptions { DataStorageVersion = version, MinRowsPerPage = rows };

        var whole = await WriteAsync("whole", schema, options, [Rows(0, rows)]);
        var whole2 = Rows(0, rows);
        var pieces = await WriteAsync("pieces", schema, options, [Rows(0, 7), Rows(7, 50), whole2.Slice(57, 1), Rows(58, rows - 58)]);

        Assert.Equal(whole, pieces);
    }

    private async Task<byte[]> WriteAsync(string name, Schema schema, LanceWriteOptions options, IReadOnlyList<RecordBatch> batches)
    {
        var path = Path.Combine(_db.FullName, name + ".lance");
        await using (var writer = await LanceTableWriter.OpenAsync(path, schema, options))
        {
            foreach (var batch in batches)
            {
                await writer.WriteAsync(batch);
            }

            await writer.CompleteAsync();
        }

        var table = await LanceTable.OpenAsync(path);
        Assert.Equal(300, table.RowCount);
        return await File.ReadAllBytesAsync(Assert.Single(Directory.GetFiles(Path.Combine(path, "data"))));
    }
}
