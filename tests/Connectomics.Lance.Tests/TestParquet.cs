using Apache.Arrow;
using ParquetSharp.Arrow;

namespace Connectomics.Lance.Tests;

/// <summary>Writes Arrow record batches to Parquet with ParquetSharp, keeping the Arrow schema so types such as fixed-size lists and large strings read back as written.</summary>
internal static class TestParquet
{
    public static void Write(string path, RecordBatch batch, long rowGroupRows)
    {
        using var arrowProperties = new ArrowWriterPropertiesBuilder().StoreSchema().Build();
        using var writer = new FileWriter(path, batch.Schema, arrowProperties: arrowProperties);
        writer.WriteRecordBatch(batch, rowGroupRows);
        writer.Close();
    }
}
