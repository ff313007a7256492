using System.Globalization;
using Connectomics.Sequences;
using Connectomics.Storage.Parquet;

namespace Connectomics.Deploy.Tests.Embedding;

/// <summary>
/// Parquet files of random reads in the shape the deployment samples name: <c>sequence_id</c>, <c>dna_sequence</c>,
/// <c>taxonomy</c> and <c>depth</c>, several row groups a file, so that every shard of a run gets work units.
/// </summary>
internal static class SyntheticReads
{
    public const string IdColumn = "sequence_id";
    public const string SequenceColumn = "dna_sequence";
    public const string KeptColumns = "taxonomy,depth";

    private static readonly string[] Taxa = ["Bacteria;Bacillota;Bacillus subtilis", "Archaea;Methanobacteriota;Methanobrevibacter smithii", "Eukaryota;Chordata;Homo sapiens"];

    /// <summary>
    /// Writes <paramref name="files"/> files <c>reads-&lt;n&gt;.parquet</c> of <paramref name="readsPerFile"/> reads (20 to 100
    /// bases) into <paramref name="directory"/>, <paramref name="rowGroupSize"/> reads a row group.
    /// </summary>
    /// <returns>Every read's id with its depth.</returns>
    public static async Task<IReadOnlyDictionary<string, double>> WriteAsync(string directory, int files, int readsPerFile, int rowGroupSize, int seed)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(seed);
        var depths = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var file = 0; file < files; file++)
        {
            await using var writer = new ParquetSequenceWriter(new ParquetSequenceWriterOptions
            {
                Path = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"reads-{file}.parquet")),
                IdColumn = IdColumn,
                SequenceColumn = SequenceColumn,
                MetadataColumns = [new ParquetMetadataColumn("taxonomy", ParquetMetadataType.String), new ParquetMetadataColumn("depth", ParquetMetadataType.Double)],
                RowGroupSize = rowGroupSize,
            });
            for (var i = 0; i < readsPerFile; i++)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"read-{file}-{i:D5}");
                var bases = string.Create(random.Next(20, 101), random, (span, r) =>
                {
                    for (var b = 0; b < span.Length; b++)
                    {
                        span[b] = "ACGT"[r.Next(4)];
                    }
                });
                var depth = Math.Round(1 + (random.NextDouble() * 99), 3);
                depths.Add(id, depth);
                await writer.WriteAsync(new SequenceRecord(id, bases)
                {
                    Metadata = new Dictionary<string, object?>(StringComparer.Ordinal) { ["taxonomy"] = Taxa[random.Next(Taxa.Length)], ["depth"] = depth },
                });
            }

            await writer.CompleteAsync();
        }

        return depths;
    }
}
