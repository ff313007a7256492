using Apache.Arrow;
using Apache.Arrow.Types;

namespace Connectomics.Lance.Tests;

/// <summary>One row of the test Parquet files: typed columns and a vector.</summary>
internal sealed record ReadRow(long Id, string? Name, double Score, bool Flag, int? Count, DateTimeOffset Seen, float[]? Embedding)
{
    /// <summary>Rows with <paramref name="dimension"/>-value vectors whose values are not short decimals.</summary>
    public static ReadRow[] Make(int count, int dimension, long firstId = 0) =>
        [.. Enumerable.Range(0, count).Select(i => new ReadRow(
            firstId + i,
            i % 3 == 1 ? null : $"read-{firstId + i}",
            (i * 0.37) - 1.0 / 3,
            i % 2 == 0,
            i % 4 == 3 ? null : i * 1000,
            new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(i * 1_234_560),
            [.. Enumerable.Range(0, dimension).Select(j => MathF.Sin((float)(firstId + i) + (j / 7f)) / 3f)]))];

    /// <summary>Builds a batch: id int64, name string (nullable), score double, flag bool, count int32 (nullable), seen timestamp[us, UTC], embedding list&lt;float&gt; (null where a row has no embedding).</summary>
    public static RecordBatch ToBatch(IReadOnlyList<ReadRow> rows)
    {
        var seenType = new TimestampType(TimeUnit.Microsecond, "UTC");
        var schema = new Schema.Builder()
            .Field(new Field("id", Int64Type.Default, false))
            .Field(new Field("name", StringType.Default, true))
            .Field(new Field("score", DoubleType.Default, false))
            .Field(new Field("flag", BooleanType.Default, false))
            .Field(new Field("count", Int32Type.Default, true))
            .Field(new Field("seen", seenType, false))
            .Field(new Field("embedding", new ListType(new Field("item", FloatType.Default, true)), true))
            .Build();
        var ids = new Int64Array.Builder();
        var names = new StringArray.Builder();
        var scores = new DoubleArray.Builder();
        var flags = new BooleanArray.Builder();
        var counts = new Int32Array.Builder();
        var seen = new TimestampArray.Builder(seenType);
        var embeddings = new ListArray.Builder(FloatType.Default);
        var items = (FloatArray.Builder)embeddings.ValueBuilder;
        foreach (var row in rows)
        {
            ids.Append(row.Id);
            if (row.Name is null)
            {
                names.AppendNull();
            }
            else
            {
                names.Append(row.Name);
            }

            scores.Append(row.Score);
            flags.Append(row.Flag);
            if (row.Count is int count)
            {
                counts.Append(count);
            }
            else
            {
                counts.AppendNull();
            }

            seen.Append(row.Seen);
            if (row.Embedding is null)
            {
                embeddings.AppendNull();
            }
            else
            {
                embeddings.Append();
                items.AppendRange(row.Embedding);
            }
        }

        return new RecordBatch(schema, [ids.Build(), names.Build(), scores.Build(), flags.Build(), counts.Build(), seen.Build(), embeddings.Build()], rows.Count);
    }
}
