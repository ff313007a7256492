using System.IO.Compression;
using System.Text;
using Connectomics.Lora.Taxonomy;
using Connectomics.Lora.Taxonomy.Synthetic;
using ParquetSharp;

namespace Connectomics.FineTune.Tests;

/// <summary>The tests' reads: a small synthetic taxonomy whose lineage is written in the sequence, and the files the
/// tool reads (FASTA with the lineage in the header, gzip FASTA, Parquet).</summary>
internal static class Reads
{
    /// <summary>16 species (2 kingdoms, 2 families under each, 2 genera per family, 2 species per genus), 10 reads
    /// each of 240 bases: the first 8 for training, the last 2 held out.</summary>
    public static (List<LabelledSequence> Train, List<LabelledSequence> Test) Synthetic()
    {
        var options = new SyntheticTaxonomyOptions { TemplateLength = 240, ReadsPerSpecies = 10, MutationRate = 0.01, Seed = 11 };
        options.Branching.Clear();
        foreach (var b in new[] { 2, 1, 1, 1, 2, 2, 2 })
        {
            options.Branching.Add(b);
        }

        var dataset = SyntheticTaxonomyDataset.Generate(options);
        var train = new List<LabelledSequence>();
        var test = new List<LabelledSequence>();
        foreach (var species in dataset.Reads.GroupBy(r => r.Taxonomy.ToTaxonomyString(), StringComparer.Ordinal))
        {
            var reads = species.ToList();
            train.AddRange(reads.Take(8));
            test.AddRange(reads.Skip(8));
        }

        return (train, test);
    }

    public static void WriteFasta(string path, IEnumerable<LabelledSequence> reads, bool gzip = false)
    {
        using var file = File.Create(path);
        using var stream = gzip ? (Stream)new GZipStream(file, CompressionLevel.Fastest) : file;
        using var writer = new StreamWriter(stream, new UTF8Encoding(false));
        SyntheticTaxonomyDataset.WriteFasta(writer, reads);
    }

    public static void WriteParquet(string path, IReadOnlyList<LabelledSequence> reads, string idColumn, string sequenceColumn, string taxonomyColumn)
    {
        Column[] columns = [new Column<string>(idColumn), new Column<string>("note"), new Column<string>(sequenceColumn), new Column<string>(taxonomyColumn)];
        using var writer = new ParquetFileWriter(path, columns);
        foreach (var group in reads.Chunk(50))
        {
            using var rowGroup = writer.AppendRowGroup();
            using (var ids = rowGroup.NextColumn().LogicalWriter<string>())
            {
                ids.WriteBatch([.. group.Select(r => r.Id)]);
            }

            using (var notes = rowGroup.NextColumn().LogicalWriter<string>())
            {
                notes.WriteBatch([.. group.Select(r => "16S rRNA gene")]);
            }

            using (var sequences = rowGroup.NextColumn().LogicalWriter<string>())
            {
                sequences.WriteBatch([.. group.Select(r => r.Sequence)]);
            }

            using var taxonomy = rowGroup.NextColumn().LogicalWriter<string>();
            taxonomy.WriteBatch([.. group.Select(r => r.Taxonomy.ToTaxonomyString())]);
        }

        writer.Close();
    }
}
