using Apache.Arrow;
using Connectomics.Storage.Lance;
using Connectomics.Storage.Parquet;
using Connectomics.Storage.Tests.Arrow;

namespace Connectomics.Storage.Tests.Lance;

/// <summary>
/// The caller keeps ownership of the batches it writes: a batch in native memory may be disposed as soon as
/// <see cref="LanceTableWriter.WriteAsync(RecordBatch, CancellationToken)"/> returns, even while its rows wait for
/// a fuller page or sit across a fragment boundary.
/// </summary>
public sealed class BatchOwnershipTests : IDisposable
{
    private const int Dimension = 4;

    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-own-");
    private readonly PoisoningAllocator _native = new();

    public void Dispose()
    {
        _native.Dispose();
        _db.Delete(recursive: true);
    }

    [Theory]
    [InlineData(LanceDataStorageVersion.V2_0)]
    [InlineData(LanceDataStorageVersion.V2_1)]
    public async Task Native_batches_disposed_after_each_write_are_committed_with_their_values(LanceDataStorageVersion format)
    {
        var path = Path.Combine(_db.FullName, "t.lance");
        var options = new LanceWriteOptions { DataStorageVersion = format, MinRowsPerPage = 16, MaxRowsPerFragment = 25 };
        await using (var writer = await LanceTableWriter.OpenAsync(path, SampleBatches.WideSchema(Dimension), options))
        {
            // Batches of 7 rows: each stays pending (fewer than 16 rows) or is cut at a fragment boundary.
            for (var start = 0; start < 70; start += 7)
            {
                var poisonedBefore = _native.Poisoned;
                using (var batch = _native.Copy(SampleBatches.Wide(start, 7, Dimension)))
                {
                    await writer.WriteAsync(batch);
                }

                Assert.True(_native.Poisoned > poisonedBefore, "disposing the batch released its memory");
            }

            await writer.CompleteAsync();
        }

        var table = await LanceTable.OpenAsync(path);
        Assert.Equal(70, table.RowCount);
        var row = 0;
        await foreach (var batch in table.ScanAsync())
        {
            using var expected = SampleBatches.Wide(row, batch.Length, Dimension);
            for (var c = 0; c < batch.ColumnCount; c++)
            {
                for (var i = 0; i < batch.Length; i++)
                {
                    Assert.Equal(Value(expected.Column(c), i), Value(batch.Column(c), i));
                }
            }

            row += batch.Length;
        }

        Assert.Equal(70, row);
    }

    private static object? Value(IArrowArray column, int index) => column switch
    {
        FixedSizeListArray vectors => vectors.IsNull(index) ? null : string.Join(",", LanceVectors.Get(vectors, index).ToArray()),
        _ => ArrowValues.GetValue(column, index),
    };
}
