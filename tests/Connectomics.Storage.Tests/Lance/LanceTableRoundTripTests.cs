using Apache.Arrow;
using Connectomics.Storage.Lance;

namespace Connectomics.Storage.Tests.Lance;

public sealed class LanceTableRoundTripTests : IDisposable
{
    private readonly DirectoryInfo _db = Directory.CreateTempSubdirectory("lance-rt-");

    public void Dispose() => _db.Delete(recursive: true);

    private string TablePath(string name) => Path.Combine(_db.FullName, name + ".lance");

    internal static async Task<List<RecordBatch>> ReadAll(LanceTable table, IReadOnlyList<string>? columns = null)
    {
        var batches = new List<RecordBatch>();
        await foreach (var batch in table.ScanAsync(columns))
        {
            batches.Add(batch);
        }

        return batches;
    }

    internal static void AssertSameRows(RecordBatch expected, IReadOnlyList<RecordBatch> actual, int expectedStart = 0)
    {
        var offset = 0;
        foreach (var batch in actual)
        {
            for (var c = 0; c < expected.ColumnCount; c++)
            {
                var want = ArrowArrayFactory.Slice(expected.Column(c), expectedStart + offset, batch.Length);
                AssertArrayEqual(want, batch.Column(c), expected.Schema.FieldsList[c].Name);
            }

            offset += batch.Length;
        }
    }

    internal static void AssertArrayEqual(IArrowArray expected, IArrowArray actual, string column)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(expected.IsNull(i) == actual.IsNull(i), $"{column}[{i}] nullness");
            if (expected.IsNull(i))
            {
                continue;
            }

            object? Value(IArrowArray a) => a switch
            {
                StringArray s => s.GetString(i),
                LargeStringArray s => s.GetString(i),
                Int32Array x => x.GetValue(i),
                Int64Array x => x.GetValue(i),
                FloatArray x => x.GetValue(i),
                DoubleArray x => x.GetValue(i),
                BooleanArray x => x.GetValue(i),
                TimestampArray x => x.GetValue(i),
                FixedSizeListArray x => string.Join(",", LanceVectors.Get(x, i).ToArray()),
                _ => throw new InvalidOperationException(a.GetType().Name),
            };
            Assert.True(Equals(Value(expected), Value(actual)), $"{column}[{i}]: {Value(expected)} != {Value(actual)}");
        }
    }

    [Theory]
    [InlineData(LanceDataStorageVersion.V2_0)]
    [InlineData(LanceDataStorageVersion.V2_1)]
    public async Task Written_rows_read_back_across_fragments(LanceDataStorageVersion version)
    {
        const int dimension = 80;
        var path = TablePath("wide");
        var all = SampleBatches.Wide(0, 2500, dimension);
        await using (var writer = await LanceTableWriter.OpenAsync(path, all.Schema, new LanceWriteOptions { DataStorageVersion = version, MaxRowsPerFragment = 1000 }))
        {
            await writer.WriteAsync(all.Slice(0, 700));
            await writer.WriteAsync(all.Slice(700, 1800));
            Assert.Equal(2500, writer.RowsWritten);
            Assert.Equal(1UL, await writer.CompleteAsync());
        }

        var table = await LanceTable.OpenAsync(path);
        Assert.Equal(1UL, table.Version);
        Assert.Equal(version, table.DataStorageVersion);
        Assert.Equal(3, table.FragmentCount);
        Assert.Equal(2500, table.RowCount);
        Assert.Equal(all.Schema.FieldsList.Select(f => (f.Name, f.DataType.Name, f.IsNullable)), table.Schema.FieldsList.Select(f => (f.Name, f.DataType.Name, f.IsNullable)));
        var batches = await ReadAll(table);
        Assert.Equal([1000, 1000, 500], batches.Select(b => b.Length));
        AssertSameRows(all, batches);
    }

    [Fact]
    public async Task Selected_columns_come_back_in_the_requested_order()
    {
        var path = TablePath("cols");
        var batch = SampleBatches.Wide(0, 10, 4);
        await using (var writer = await LanceTableWriter.OpenAsync(path, batch.Schema))
        {
            await writer.WriteAsync(batch);
            await writer.CompleteAsync();
        }

        var table = await LanceTable.OpenAsync(path);
        var read = Assert.Single(await ReadAll(table, ["vector", "id"]));
        Assert.Equal(["vector", "id"], read.Schema.FieldsList.Select(f => f.Name));
        Assert.Equal("id_3", ((StringArray)read.Column(1)).GetString(3));
        Assert.Equal(SampleBatches.Vector(3, 4), LanceVectors.Get((FixedSizeListArray)read.Column(0), 3).ToArray());
        Assert.Throws<ArgumentException>(() => table.ScanAsync(["nope"]));
    }
}
