using Apache.Arrow;
using Apache.Arrow.Types;

namespace Connectomics.Storage.Tests.Lance;

/// <summary>Deterministic Arrow batches for the Lance tests.</summary>
internal static class SampleBatches
{
    public static readonly TimestampType MicrosUtc = new(TimeUnit.Microsecond, "UTC");

    public static Schema WideSchema(int dimension) => new Schema.Builder()
        .Field(new Field("id", StringType.Default, false))
        .Field(new Field("note", StringType.Default, true))
        .Field(new Field("big", LargeStringType.Default, true))
        .Field(new Field("i32", Int32Type.Default, true))
        .Field(new Field("i64", Int64Type.Default, false))
        .Field(new Field("f32", FloatType.Default, true))
        .Field(new Field("f64", DoubleType.Default, true))
        .Field(new Field("flag", BooleanType.Default, true))
        .Field(new Field("at", MicrosUtc, true))
        .Field(new Field("vector", new FixedSizeListType(new Field("item", FloatType.Default, true), dimension), true))
        .Build();

    /// <summary>Row i: id "id_i"; nulls at i % 3 == 1 in nullable scalar columns and i % 5 == 4 in the vector.</summary>
    public static RecordBatch Wide(int start, int count, int dimension)
    {
        var id = new StringArray.Builder();
        var note = new StringArray.Builder();
        var big = new LargeStringArray.Builder();
        var i32 = new Int32Array.Builder();
        var i64 = new Int64Array.Builder();
        var f32 = new FloatArray.Builder();
        var f64 = new DoubleArray.Builder();
        var flag = new BooleanArray.Builder();
        var at = new TimestampArray.Builder(MicrosUtc);
        var vectors = new float[count][];
        for (var r = 0; r < count; r++)
        {
            var i = start + r;
            var isNull = i % 3 == 1;
            id.Append($"id_{i}");
            if (isNull)
            {
                note.AppendNull();
                big.AppendNull();
                i32.AppendNull();
                f32.AppendNull();
                f64.AppendNull();
                flag.AppendNull();
                at.AppendNull();
            }
            else
            {
                note.Append(i % 7 == 0 ? string.Empty : $"note {i} é");
                big.Append(new string('x', i % 11));
                i32.Append(i - 50);
                f32.Append(i * 0.5f);
                f64.Append(i * 0.25);
                flag.Append(i % 2 == 0);
                at.Append(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000 + (i * 1000L)));
            }

            i64.Append(i * 1_000_000_007L);
            vectors[r] = i % 5 == 4 ? null! : Vector(i, dimension);
        }

        return new RecordBatch(WideSchema(dimension), [
            id.Build(), note.Build(), big.Build(), i32.Build(), i64.Build(), f32.Build(), f64.Build(), flag.Build(), at.Build(),
            VectorArray(vectors, dimension)], count);
    }

    public static float[] Vector(int i, int dimension)
    {
        var v = new float[dimension];
        for (var j = 0; j < dimension; j++)
        {
            v[j] = i + (j * 0.125f);
        }

        return v;
    }

    /// <summary>Builds a FixedSizeList&lt;float&gt; array; a null entry is a null row.</summary>
    public static FixedSizeListArray VectorArray(IReadOnlyList<float[]?> rows, int dimension)
    {
        var values = new FloatArray.Builder();
        var validity = new ArrowBuffer.BitmapBuilder();
        var nulls = 0;
        foreach (var row in rows)
        {
            validity.Append(row is not null);
            nulls += row is null ? 1 : 0;
            for (var j = 0; j < dimension; j++)
            {
                values.Append(row is null ? 0f : row[j]);
            }
        }

        var type = new FixedSizeListType(new Field("item", FloatType.Default, true), dimension);
        var data = new ArrayData(type, rows.Count, nulls, 0, [nulls == 0 ? ArrowBuffer.Empty : validity.Build()], [values.Build().Data]);
        return new FixedSizeListArray(data);
    }

    public static Schema VectorSchema(int dimension) => new Schema.Builder()
        .Field(new Field("id", StringType.Default, false))
        .Field(new Field("vector", new FixedSizeListType(new Field("item", FloatType.Default, true), dimension), false))
        .Build();

    public static RecordBatch Vectors(int start, int count, int dimension)
    {
        var id = new StringArray.Builder();
        var rows = new float[count][];
        for (var r = 0; r < count; r++)
        {
            id.Append($"id_{start + r}");
            rows[r] = Vector(start + r, dimension);
        }

        return new RecordBatch(VectorSchema(dimension), [id.Build(), VectorArray(rows, dimension)], count);
    }
}
