using System.IO.Compression;
using System.Text;
using ParquetSharp;

namespace Connectomics.CrashTests;

/// <summary>
/// The inputs of the crash runs, made once: demo-like reads in a Parquet file of several row groups (id, sequence,
/// taxonomy, depth) and in a gzip FASTA file, each with a few bad records so that the quarantine is written too.
/// </summary>
internal static class CrashInputs
{
    public const string IdColumn = "sequence_id";
    public const string SequenceColumn = "dna_sequence";
    public const int ParquetReads = 2000;
    public const int RowGroupRows = 250;
    public const int FastaReads = 2500;

    private static readonly string[] Taxa = ["Escherichia coli", "Bacillus subtilis", "Homo sapiens", "Saccharomyces cerevisiae", "Escherichia phage T4"];

    /// <summary>The bad Parquet rows, by row number: a null sequence, an empty id, a repeated id (in a later row group), an empty sequence.</summary>
    public static readonly IReadOnlyDictionary<int, string> ParquetBadRows = new Dictionary<int, string>
    {
        [300] = "null sequence",
        [810] = "empty id",
        [1350] = "repeats the id of row 7",
        [1870] = "empty sequence",
    };

    /// <summary>The bad FASTA records, by record number: no sequence, two repeated ids (in later chunks).</summary>
    public static readonly IReadOnlyDictionary<int, string> FastaBadRecords = new Dictionary<int, string>
    {
        [300] = "no sequence",
        [1500] = "repeats the id of record 3",
        [2300] = "repeats the id of record 1000",
    };

    /// <summary>Writes the Parquet file, <see cref="RowGroupRows"/> rows per row group.</summary>
    public static void WriteParquet(string path)
    {
        var reads = Reads(ParquetReads, seed: 11).ToArray();
        var columns = new Column[]
        {
            new Column<string>(IdColumn),
            new Column<string>(SequenceColumn),
            new Column<string>("taxonomy"),
            new Column<double>("depth"),
        };
        using var file = new ParquetFileWriter(path, columns);
        for (var first = 0; first < reads.Length; first += RowGroupRows)
        {
            var rows = reads.Skip(first).Take(RowGroupRows).Select((r, k) => Bad(r, first + k)).ToArray();
            using var group = file.AppendRowGroup();
            using (var ids = group.NextColumn().LogicalWriter<string>())
            {
                ids.WriteBatch([.. rows.Select(r => r.Id)]);
            }

            using (var sequences = group.NextColumn().LogicalWriter<string?>())
            {
                sequences.WriteBatch([.. rows.Select(r => r.Sequence)]);
            }

            using (var taxonomy = group.NextColumn().LogicalWriter<string>())
            {
                taxonomy.WriteBatch([.. rows.Select(r => r.Taxonomy)]);
            }

            using var depth = group.NextColumn().LogicalWriter<double>();
            depth.WriteBatch([.. rows.Select(r => r.Depth)]);
        }

        file.Close();

        static Read Bad(Read read, int row) => row switch
        {
            300 => read with { Sequence = null },
            810 => read with { Id = string.Empty },
            1350 => read with { Id = "read-000007" },
            1870 => read with { Sequence = string.Empty },
            _ => read,
        };
    }

    /// <summary>Writes the gzip FASTA file, the taxonomy as the header's description.</summary>
    public static void WriteFastaGz(string path)
    {
        using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        using var text = new StreamWriter(gzip, new UTF8Encoding(false));
        var i = 0;
        foreach (var read in Reads(FastaReads, seed: 23))
        {
            var (id, sequence) = i switch
            {
                300 => (read.Id, string.Empty),
                1500 => ("read-000003", read.Sequence!),
                2300 => ("read-001000", read.Sequence!),
                _ => (read.Id, read.Sequence!),
            };
            text.Write($">{id} {read.Taxonomy}\n");
            for (var at = 0; at < sequence.Length; at += 80)
            {
                text.Write(sequence.AsSpan(at, Math.Min(80, sequence.Length - at)));
                text.Write('\n');
            }

            i++;
        }
    }

    private static IEnumerable<Read> Reads(int count, int seed)
    {
        var random = new Random(seed);
        const string Bases = "ACGT";
        for (var i = 0; i < count; i++)
        {
            var length = random.Next(60, 200);
            var sequence = new StringBuilder(length);
            for (var p = 0; p < length; p++)
            {
                // Mostly bases, an odd N and soft-masked stretch, as reads come.
                var roll = random.Next(400);
                sequence.Append(roll == 0 ? 'N' : roll < 8 ? char.ToLowerInvariant(Bases[random.Next(4)]) : Bases[random.Next(4)]);
            }

            yield return new Read($"read-{i:D6}", sequence.ToString(), Taxa[random.Next(Taxa.Length)], Math.Round(random.NextDouble() * 60, 3));
        }
    }

    private sealed record Read(string Id, string? Sequence, string Taxonomy, double Depth);
}
