using System.Globalization;
using ParquetSharp;

namespace Connectomics.Embed.Tests;

/// <summary>A Parquet file of random reads (id, sequence, taxonomy, depth), written with ParquetSharp.</summary>
internal static class ReadsParquet
{
    public static (string Id, string Sequence)[] Write(string path, int count, int rowGroupSize = 500, int minLength = 150, int maxLength = 600)
    {
        var random = new Random(17);
        var reads = Enumerable.Range(0, count)
            .Select(i => (Id: string.Create(CultureInfo.InvariantCulture, $"r{i:D6}"), Sequence: new string([.. Enumerable.Range(0, random.Next(minLength, maxLength)).Select(_ => "ACGT"[random.Next(4)])])))
            .ToArray();
        Column[] columns =
        [
            new Column<string>("id"),
            new Column<string>("sequence"),
            new Column<string>("taxonomy"),
            new Column<double>("depth"),
        ];
        using var writer = new ParquetFileWriter(path, columns);
        for (var start = 0; start < count; start += rowGroupSize)
        {
            var group = reads.Skip(start).Take(rowGroupSize).ToArray();
            using var rowGroup = writer.AppendRowGroup();
            using (var ids = rowGroup.NextColumn().LogicalWriter<string>())
            {
                ids.WriteBatch([.. group.Select(r => r.Id)]);
            }

            using (var sequences = rowGroup.NextColumn().LogicalWriter<string>())
            {
                sequences.WriteBatch([.. group.Select(r => r.Sequence)]);
            }

            using (var taxonomy = rowGroup.NextColumn().LogicalWriter<string>())
            {
                taxonomy.WriteBatch([.. group.Select(r => "Bacteria;Taxon " + r.Id[^1])]);
            }

            using var depth = rowGroup.NextColumn().LogicalWriter<double>();
            depth.WriteBatch([.. group.Select(r => r.Sequence.Length / 10.0)]);
        }

        writer.Close();
        return reads;
    }
}
