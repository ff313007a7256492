using System.Text;
using Connectomics.Lora.Taxonomy;

namespace Connectomics.Lora.Tests.Training;

/// <summary>Reads whose taxonomy is learnable from their content: each species has a random signature sequence that
/// its reads carry with a few point mutations between random flanks; genus, family, … follow from the species.</summary>
internal static class SyntheticTaxonomyReads
{
    private const string Bases = "ACGT";

    public static (List<LabelledSequence> Train, List<LabelledSequence> Validation) Create(int species, int trainPerSpecies, int validationPerSpecies, int seed)
    {
        var random = new Random(seed);
        var signatures = Enumerable.Range(0, species).Select(_ => RandomBases(random, 72)).ToArray();
        var train = new List<LabelledSequence>();
        var validation = new List<LabelledSequence>();
        for (var s = 0; s < species; s++)
        {
            var taxonomy = TaxonomyPath.Parse(TaxonomyOf(s));
            for (var i = 0; i < trainPerSpecies + validationPerSpecies; i++)
            {
                var read = RandomBases(random, random.Next(0, 4) * 6) + Mutate(random, signatures[s], 0.03) + RandomBases(random, random.Next(0, 4) * 6);
                var record = new LabelledSequence($"s{s}_{i}", read, taxonomy);
                (i < trainPerSpecies ? train : validation).Add(record);
            }
        }

        return (train, validation);
    }

    /// <summary>2 kingdoms, 2 phyla each, 1 class and order per phylum, 2 families per order, 2 genera per family …</summary>
    public static string TaxonomyOf(int species)
    {
        var genus = species / 2;
        var family = genus / 2;
        var order = family / 2;
        var kingdom = order / 2;
        return $"K{kingdom};P{order};C{order};O{order};F{family};G{genus};S{species}";
    }

    private static string RandomBases(Random random, int length)
    {
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(Bases[random.Next(4)]);
        }

        return text.ToString();
    }

    private static string Mutate(Random random, string sequence, double rate)
    {
        var chars = sequence.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (random.NextDouble() < rate)
            {
                chars[i] = Bases[random.Next(4)];
            }
        }

        return new string(chars);
    }
}
