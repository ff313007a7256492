using Apache.Arrow;
using Apache.Arrow.Types;
using Connectomics.Sequences;
using Connectomics.Storage.Parquet;
using ParquetSharp;

namespace Connectomics.Storage.Tests.Parquet;

/// <summary>Builds Parquet files for tests, either through the library writer or directly through the Arrow writer
/// (for shapes the library writer refuses: null ids, wrong column types).</summary>
internal static class ParquetTestFiles
{
    public static async Task<List<SequenceRecord>> WriteSequencesAsync(string path, string prefix, int count, int rowGroupSize)
    {
        var records = Enumerable.Range(0, count)
            .Select(i => new SequenceRecord($"{prefix}-{i:D3}", new string("ACGT"[i % 4], 1 + (i % 7)))
            {
                Metadata = new Dictionary<string, object?> { ["n"] = i, ["source"] = prefix },
            })
            .ToList();
        var writer = new ParquetSequenceWriter(new ParquetSequenceWriterOptions
        {
            Path = path,
            RowGroupSize = rowGroupSize,
            MetadataColumns = { new("n", ParquetMetadataType.Int32), new("source", ParquetMetadataType.String) },
        });
        await using (writer)
        {
            await writer.WriteAsync(records);
            await writer.CompleteAsync();
        }

        return records;
    }

    /// <summary>Writes columns as given, one row group per <paramref name="rowGroupSize"/> rows.</summary>
    public static void WriteRaw(string path, int rowGroupSize, params (string Name, IArrowArray Array)[] columns) =>
        WriteRaw(path, rowGroupSize, storeArrowSchema: false, columns);

    /// <summary>Writes columns as given; with <paramref name="storeArrowSchema"/>, the Arrow schema is kept in the
    /// file so that readers restore Arrow-only types (dictionaries) as pyarrow does.</summary>
    public static void WriteRaw(string path, int rowGroupSize, bool storeArrowSchema, params (string Name, IArrowArray Array)[] columns)
    {
        var schema = new Schema.Builder();
        foreach (var (name, array) in columns)
        {
            schema.Field(f => f.Name(name).DataType(array.Data.DataType).Nullable(true));
        }

        var built = schema.Build();
        using var arrowProperties = storeArrowSchema
            ? new ParquetSharp.Arrow.ArrowWriterPropertiesBuilder().StoreSchema().Build()
            : ParquetSharp.Arrow.ArrowWriterProperties.GetDefault();
        using var writer = new ParquetSharp.Arrow.FileWriter(path, built, arrowProperties: arrowProperties);
        using var batch = new RecordBatch(built, columns.Select(c => c.Array), columns[0].Array.Length);
        writer.WriteRecordBatch(batch, rowGroupSize);
        writer.Close();
    }

    public static StringArray Strings(params string?[] values)
    {
        var builder = new StringArray.Builder();
        foreach (var value in values)
        {
            if (value is null)
            {
                builder.AppendNull();
            }
            else
            {
                builder.Append(value);
            }
        }

        return builder.Build();
    }

    public static Int32Array Ints(params int[] values) => new Int32Array.Builder().AppendRange(values).Build();

    public static long[] RowGroupSizes(string path)
    {
        using var reader = new ParquetFileReader(path);
        return [.. Enumerable.Range(0, reader.FileMetaData.NumRowGroups).Select(i =>
        {
            using var group = reader.RowGroup(i);
            return group.MetaData.NumRows;
        })];
    }

    public static async Task<List<ParquetSequenceBatch>> ReadBatchesAsync(ParquetSequenceSourceOptions options)
    {
        var batches = new List<ParquetSequenceBatch>();
        await foreach (var batch in new ParquetSequenceSource(options).ReadBatchesAsync())
        {
            batches.Add(batch);
        }

        return batches;
    }

    public static async Task<List<SequenceRecord>> ReadAllAsync(ParquetSequenceSourceOptions options)
    {
        var records = new List<SequenceRecord>();
        await foreach (var record in new ParquetSequenceSource(options).ReadAsync())
        {
            records.Add(record);
        }

        return records;
    }

    public static IArrowType TimestampUtc => new TimestampType(Apache.Arrow.Types.TimeUnit.Microsecond, "UTC");
}
