using System.Globalization;
using System.Text;
using Connectomics.Durability;

namespace Connectomics.Lora.Taxonomy.Synthetic;

/// <summary>
/// A labelled read set whose taxonomy can be learned from sequence content, for samples, tests and benchmarks
/// without real data. A random tree of seven ranks is drawn; each taxon's sequence is its parent's with a share of
/// positions (<see cref="SyntheticTaxonomyOptions.Divergence"/>) replaced by bases drawn from a composition of the
/// taxon's own, so signatures are inherited down the tree and sharpen at each rank, as in a marker gene. Reads copy
/// their species' template (whole, or a window) with per-read substitutions, and optionally soft-masked
/// (lower-case) runs and <c>N</c>s.
/// </summary>
/// <remarks>
/// Names are <c>Kingdom0</c>, <c>Phylum3</c>, …, <c>Genus12</c>, and species <c>Genus12_sp1</c>; ids are
/// <c>read000001</c>…. Generation uses <see cref="Random"/> seeded with <see cref="SyntheticTaxonomyOptions.Seed"/>,
/// whose sequence is fixed for a given seed, so a seed reproduces the dataset. Immutable once generated.
/// </remarks>
public sealed class SyntheticTaxonomyDataset
{
    private const string Bases = "ACGT";
    private static readonly string[] RankTitles = ["Kingdom", "Phylum", "Class", "Order", "Family", "Genus"];

    private SyntheticTaxonomyDataset(SyntheticTaxonomyOptions options, IReadOnlyList<LabelledSequence> reads, IReadOnlyList<TaxonomyPath> species)
    {
        Options = options;
        Reads = reads;
        Species = species;
    }

    /// <summary>Gets the options the dataset was generated with (a copy).</summary>
    public SyntheticTaxonomyOptions Options { get; }

    /// <summary>Gets the reads, species by species in tree order.</summary>
    public IReadOnlyList<LabelledSequence> Reads { get; }

    /// <summary>Gets the lineage of every species of the tree, in tree order.</summary>
    public IReadOnlyList<TaxonomyPath> Species { get; }

    /// <summary>Generates a dataset.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static SyntheticTaxonomyDataset Generate(SyntheticTaxonomyOptions? options = null)
    {
        options = (options ?? new SyntheticTaxonomyOptions()).Clone();
        options.Validate();
        var random = new Random(unchecked((int)(options.Seed ^ (options.Seed >> 32))));
        var ancestor = new char[options.TemplateLength];
        for (var i = 0; i < ancestor.Length; i++)
        {
            ancestor[i] = Bases[random.Next(4)];
        }

        var counters = new int[TaxonomyPath.RankCount];
        var species = new List<(TaxonomyPath Lineage, char[] Template)>();
        Grow(options, random, ancestor, 0, new string?[TaxonomyPath.RankCount], counters, species);

        var reads = new List<LabelledSequence>();
        var builder = new StringBuilder(options.ReadLength ?? options.TemplateLength);
        foreach (var (lineage, template) in species)
        {
            var count = random.NextDouble() < options.SingletonSpeciesFraction ? 1 : options.ReadsPerSpecies;
            for (var n = 0; n < count; n++)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"read{reads.Count + 1:D6}");
                var sequence = Read(options, random, template, builder);
                var label = random.NextDouble() < options.UnnamedSpeciesFraction ? lineage.TruncateAfter(TaxonomyRank.Genus) : lineage;
                reads.Add(new LabelledSequence(id, sequence, label));
            }
        }

        return new SyntheticTaxonomyDataset(options, reads, species.Select(s => s.Lineage).ToArray());
    }

    /// <summary>Writes the reads as FASTA, the lineage as each header's description (<c>&gt;id k;p;c;o;f;g;s</c>),
    /// one sequence line per read.</summary>
    /// <param name="writer">The destination.</param>
    public void WriteFasta(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        WriteFasta(writer, Reads);
    }

    /// <summary>Writes some reads as FASTA (see <see cref="WriteFasta(TextWriter)"/>).</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="reads">The reads to write.</param>
    public static void WriteFasta(TextWriter writer, IEnumerable<LabelledSequence> reads)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(reads);
        foreach (var read in reads)
        {
            writer.Write('>');
            writer.Write(read.Id);
            writer.Write(' ');
            writer.Write(read.Taxonomy.ToTaxonomyString());
            writer.Write('\n');
            writer.Write(read.Sequence);
            writer.Write('\n');
        }
    }

    /// <summary>Writes some reads as a FASTA file, atomically (see <see cref="WriteFasta(TextWriter)"/>).</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="reads">The reads; <see langword="null"/> for all of them.</param>
    public void WriteFasta(string path, IEnumerable<LabelledSequence>? reads = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fileSystem = OperatingSystemFileSystem.Instance;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            DurableFile.CreateDirectory(fileSystem, directory);
        }

        var temp = DurableFile.TempPathFor(path);
        DurableFile.WriteTemp(fileSystem, temp, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            WriteFasta(writer, reads ?? Reads);
        });
        DurableFile.Publish(fileSystem, temp, path);
    }

    private static void Grow(SyntheticTaxonomyOptions options, Random random, char[] parent, int rank, string?[] lineage, int[] counters, List<(TaxonomyPath, char[])> species)
    {
        for (var child = 0; child < options.Branching[rank]; child++)
        {
            var index = counters[rank]++;
            lineage[rank] = rank < TaxonomyPath.RankCount - 1
                ? string.Create(CultureInfo.InvariantCulture, $"{RankTitles[rank]}{index}")
                : string.Create(CultureInfo.InvariantCulture, $"{lineage[rank - 1]}_sp{child + 1}");
            var sequence = Diverge(parent, options.Divergence[rank], random);
            if (rank == TaxonomyPath.RankCount - 1)
            {
                species.Add((new TaxonomyPath((string?[])lineage.Clone()), sequence));
            }
            else
            {
                Grow(options, random, sequence, rank + 1, lineage, counters, species);
            }
        }

        lineage[rank] = null;
    }

    private static char[] Diverge(char[] parent, double divergence, Random random)
    {
        // The taxon's own composition: the bases its changed positions take.
        var weights = new double[4];
        for (var b = 0; b < 4; b++)
        {
            weights[b] = 0.2 + random.NextDouble();
        }

        var total = weights.Sum();
        var sequence = (char[])parent.Clone();
        for (var i = 0; i < sequence.Length; i++)
        {
            if (random.NextDouble() >= divergence)
            {
                continue;
            }

            var draw = random.NextDouble() * total;
            var b = 0;
            while (b < 3 && draw >= weights[b])
            {
                draw -= weights[b];
                b++;
            }

            sequence[i] = Bases[b] == parent[i] ? Bases[(b + 1 + random.Next(3)) % 4] : Bases[b];
        }

        return sequence;
    }

    private static string Read(SyntheticTaxonomyOptions options, Random random, char[] template, StringBuilder builder)
    {
        var length = options.ReadLength ?? template.Length;
        var start = length == template.Length ? 0 : random.Next(template.Length - length + 1);
        builder.Clear();
        for (var i = 0; i < length; i++)
        {
            var c = template[start + i];
            if (options.MutationRate > 0 && random.NextDouble() < options.MutationRate)
            {
                c = Bases[(Bases.IndexOf(c, StringComparison.Ordinal) + 1 + random.Next(3)) % 4];
            }

            if (options.AmbiguousBaseRate > 0 && random.NextDouble() < options.AmbiguousBaseRate)
            {
                c = 'N';
            }

            builder.Append(c);
        }

        if (options.SoftMaskedReadFraction > 0 && random.NextDouble() < options.SoftMaskedReadFraction)
        {
            var run = Math.Min(options.SoftMaskedRunLength, length);
            var from = random.Next(length - run + 1);
            for (var i = from; i < from + run; i++)
            {
                builder[i] = char.ToLowerInvariant(builder[i]);
            }
        }

        return builder.ToString();
    }
}
