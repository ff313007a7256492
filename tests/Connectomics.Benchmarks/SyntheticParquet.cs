using Connectomics.Sequences;
using Connectomics.Storage.Parquet;

namespace Connectomics.Benchmarks;

/// <summary>
/// Writes Parquet files of random reads (150–1000 nt) with three metadata columns (sample: string, quality: float,
/// paired: boolean), the shape the storage benchmarks read. The same seed always gives the same file.
/// </summary>
internal static class SyntheticParquet
{
    public static readonly string[] MetadataColumns = ["sample", "quality", "paired"];

    /// <summary>Writes <paramref name="reads"/> reads to <paramref name="path"/> unless a file of that name exists.</summary>
    /// <param name="path">The file.</param>
    /// <param name="reads">The number of reads.</param>
    /// <param name="rowGroupSize">Rows per row group (a pipeline's work unit); <see langword="null"/> for the writer's default.</param>
    public static async Task EnsureAsync(string path, long reads, int? rowGroupSize = null)
    {
        if (File.Exists(path))
        {
            return;
        }

        var options = new ParquetSequenceWriterOptions
        {
            Path = path,
            MetadataColumns =
            [
                new ParquetMetadataColumn("sample", ParquetMetadataType.String),
                new ParquetMetadataColumn("quality", ParquetMetadataType.Float),
                new ParquetMetadataColumn("paired", ParquetMetadataType.Boolean),
            ],
        };
        if (rowGroupSize is int size)
        {
            options.RowGroupSize = size;
        }

        await using var writer = new ParquetSequenceWriter(options);
        var random = new Random(11);
        var buffer = new char[1000];
        for (long i = 0; i < reads; i++)
        {
            var length = random.Next(150, 1001);
            for (var j = 0; j < length; j++)
            {
                buffer[j] = "ACGT"[random.Next(4)];
            }

            var metadata = new Dictionary<string, object?>(3, StringComparer.Ordinal)
            {
                ["sample"] = "sample-" + (i % 97),
                ["quality"] = (float)random.NextDouble() * 40,
                ["paired"] = (i & 1) == 0,
            };
            await writer.WriteAsync(new SequenceRecord("read-" + i, new string(buffer, 0, length)) { Metadata = metadata.AsReadOnly() });
        }

        await writer.CompleteAsync();
    }
}
