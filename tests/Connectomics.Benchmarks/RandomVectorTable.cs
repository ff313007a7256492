using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Storage.Lance;

namespace Connectomics.Benchmarks;

/// <summary>Writes a Lance table of random float32 vectors (<c>id</c> int64, <c>vector</c>) for the search benchmarks.</summary>
internal static class RandomVectorTable
{
    public const string VectorColumn = "vector";

    public static async Task WriteAsync(string path, int rows, int dimension, int seed)
    {
        var schema = new Apache.Arrow.Schema.Builder()
            .Field(new Field("id", Int64Type.Default, false))
            .Field(new Field(VectorColumn, new FixedSizeListType(new Field("item", FloatType.Default, true), dimension), false))
            .Build();
        var random = new Random(seed);
        await using var writer = await LanceTableWriter.OpenAsync(path, schema);
        const int batchRows = 8192;
        for (var start = 0; start < rows; start += batchRows)
        {
            var count = Math.Min(batchRows, rows - start);
            var ids = new Int64Array.Builder().Reserve(count);
            var values = new FloatArray.Builder().Reserve(count * dimension);
            for (var r = 0; r < count; r++)
            {
                ids.Append(start + r);
                for (var j = 0; j < dimension; j++)
                {
                    values.Append((random.NextSingle() * 2) - 1);
                }
            }

            var type = (FixedSizeListType)schema.GetFieldByName(VectorColumn).DataType;
            var vectors = new FixedSizeListArray(new ArrayData(type, count, 0, 0, [ArrowBuffer.Empty], [values.Build().Data]));
            await writer.WriteAsync(new RecordBatch(schema, [ids.Build(), vectors], count));
        }

        await writer.CompleteAsync();
    }

    public static float[][] Queries(int count, int dimension, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, dimension).Select(_ => (random.NextSingle() * 2) - 1).ToArray())];
    }
}
