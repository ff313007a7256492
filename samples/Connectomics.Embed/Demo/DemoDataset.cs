using System.Globalization;
using System.Text;
using Connectomics.Sequences;
using Connectomics.Storage.Parquet;

namespace Connectomics.Embed.Demo;

/// <summary>
/// The demo input: a few thousand synthetic reads drawn from a dozen made-up genomes, one per species of a real
/// 7-rank taxonomy, with the read's coordinates on its contig and a depth. Reads are substrings of their genome with a
/// little noise, some with soft-masked (lower-case) stretches and the odd N, as real reads come. The same seed always
/// gives the same file, so running the demo again resumes (and finds the run already complete).
/// </summary>
internal static class DemoDataset
{
    public const string IdColumn = "sequence_id";
    public const string SequenceColumn = "dna_sequence";
    public const string TaxonomyColumn = "taxonomy";
    public static readonly string[] KeptColumns = [TaxonomyColumn, "contig", "start", "end", "depth"];

    private const int GenomeLength = 20_000;

    private static readonly string[] Taxonomies =
    [
        "Bacteria;Pseudomonadota;Gammaproteobacteria;Enterobacterales;Enterobacteriaceae;Escherichia;Escherichia coli",
        "Bacteria;Pseudomonadota;Gammaproteobacteria;Enterobacterales;Enterobacteriaceae;Salmonella;Salmonella enterica",
        "Bacteria;Pseudomonadota;Gammaproteobacteria;Pseudomonadales;Pseudomonadaceae;Pseudomonas;Pseudomonas aeruginosa",
        "Bacteria;Bacillota;Bacilli;Bacillales;Bacillaceae;Bacillus;Bacillus subtilis",
        "Bacteria;Bacillota;Bacilli;Lactobacillales;Streptococcaceae;Streptococcus;Streptococcus pneumoniae",
        "Bacteria;Actinomycetota;Actinomycetes;Mycobacteriales;Mycobacteriaceae;Mycobacterium;Mycobacterium tuberculosis",
        "Archaea;Methanobacteriota;Methanobacteria;Methanobacteriales;Methanobacteriaceae;Methanobrevibacter;Methanobrevibacter smithii",
        "Eukaryota;Ascomycota;Saccharomycetes;Saccharomycetales;Saccharomycetaceae;Saccharomyces;Saccharomyces cerevisiae",
        "Eukaryota;Chordata;Mammalia;Primates;Hominidae;Homo;Homo sapiens",
        "Eukaryota;Chordata;Mammalia;Rodentia;Muridae;Mus;Mus musculus",
        "Eukaryota;Arthropoda;Insecta;Diptera;Drosophilidae;Drosophila;Drosophila melanogaster",
        "Viruses;Uroviricota;Caudoviricetes;Caudovirales;Straboviridae;Tequatrovirus;Escherichia phage T4",
    ];

    /// <summary>Writes the demo reads to <paramref name="path"/> (replacing the file), unless an identical file is there.</summary>
    /// <param name="path">The Parquet file to write.</param>
    /// <param name="reads">The number of reads.</param>
    /// <param name="cancellationToken">Cancels the writing.</param>
    /// <returns>A task that completes when the file is written.</returns>
    public static async Task WriteAsync(string path, int reads, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using var writer = new ParquetSequenceWriter(new ParquetSequenceWriterOptions
        {
            Path = path,
            IdColumn = IdColumn,
            SequenceColumn = SequenceColumn,
            MetadataColumns =
            [
                new ParquetMetadataColumn(TaxonomyColumn, ParquetMetadataType.String),
                new ParquetMetadataColumn("contig", ParquetMetadataType.String),
                new ParquetMetadataColumn("start", ParquetMetadataType.Int64),
                new ParquetMetadataColumn("end", ParquetMetadataType.Int64),
                new ParquetMetadataColumn("depth", ParquetMetadataType.Double),
            ],
            RowGroupSize = 1000,
            Overwrite = true,
        });
        await writer.WriteAsync(Create(reads), cancellationToken);
        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>Makes the demo reads.</summary>
    /// <param name="reads">The number of reads.</param>
    /// <returns>The reads, with taxonomy, contig, start, end and depth metadata.</returns>
    public static IEnumerable<SequenceRecord> Create(int reads)
    {
        var random = new Random(20261203);
        var genomes = Taxonomies.Select(_ => RandomBases(random, GenomeLength)).ToArray();
        for (var i = 0; i < reads; i++)
        {
            var species = random.Next(genomes.Length);
            var length = random.Next(150, 601);
            var start = random.Next(0, GenomeLength - length);
            var read = new StringBuilder(genomes[species], start, length, length);
            for (var p = 0; p < read.Length; p++)
            {
                var roll = random.NextDouble();
                if (roll < 0.01)
                {
                    read[p] = "ACGT"[random.Next(4)];
                }
                else if (roll < 0.012)
                {
                    read[p] = 'N';
                }
            }

            if (random.NextDouble() < 0.3)
            {
                // A soft-masked repeat: lower-case letters are bases, not unknowns.
                var from = random.Next(read.Length / 2);
                var to = Math.Min(read.Length, from + random.Next(20, 120));
                for (var p = from; p < to; p++)
                {
                    read[p] = char.ToLowerInvariant(read[p]);
                }
            }

            var name = Taxonomies[species].Split(';')[^1];
            yield return new SequenceRecord(string.Create(CultureInfo.InvariantCulture, $"read-{i:D5}"), read.ToString())
            {
                Metadata = new Dictionary<string, object?>
                {
                    [TaxonomyColumn] = Taxonomies[species],
                    ["contig"] = string.Create(CultureInfo.InvariantCulture, $"{name.Replace(' ', '_')}_contig_1"),
                    ["start"] = (long)start,
                    ["end"] = (long)(start + length),
                    ["depth"] = Math.Round(5 + (random.NextDouble() * 45), 2),
                },
            };
        }
    }

    private static string RandomBases(Random random, int length) =>
        string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = "ACGT"[r.Next(4)];
            }
        });
}
