using Connectomics.Lora.Taxonomy;
using Connectomics.Lora.Taxonomy.Baselines;

namespace Connectomics.Lora.Tests.Taxonomy;

public sealed class TaxonomyBaselineTests
{
    // Three genera of unrelated random 200-base sequences; two species in the first genus.
    private static readonly string GenusA = RandomSequence(1);
    private static readonly string GenusB = RandomSequence(2);
    private static readonly string GenusC = RandomSequence(3);

    private static readonly TaxonomyPath LineageA1 = new("Bacteria", "Firmicutes", "Bacilli", "Bacillales", "Bacillaceae", "Bacillus", "Bacillus subtilis");
    private static readonly TaxonomyPath LineageA2 = new("Bacteria", "Firmicutes", "Bacilli", "Bacillales", "Bacillaceae", "Bacillus", "Bacillus cereus");
    private static readonly TaxonomyPath LineageB = new("Bacteria", "Proteobacteria", "Gammaproteobacteria", "Enterobacterales", "Enterobacteriaceae", "Escherichia", "Escherichia coli");
    private static readonly TaxonomyPath LineageC = new("Archaea", "Euryarchaeota", "Methanobacteria", "Methanobacteriales", "Methanobacteriaceae", "Methanobrevibacter", "Methanobrevibacter smithii");

    private static readonly string SpeciesA2 = Mutate(GenusA, 10, every: 7);

    private static readonly LabelledSequence[] Training =
    [
        new("a1", Mutate(GenusA, 1, every: 50), LineageA1),
        new("a2", Mutate(GenusA, 2, every: 50), LineageA1),
        new("a3", Mutate(SpeciesA2, 3, every: 50), LineageA2),
        new("a4", Mutate(SpeciesA2, 4, every: 50), LineageA2),
        new("b1", Mutate(GenusB, 5, every: 50), LineageB),
        new("b2", Mutate(GenusB, 6, every: 50), LineageB),
        new("c1", Mutate(GenusC, 7, every: 50), LineageC),
        new("u1", RandomSequence(9), TaxonomyPath.Empty),
    ];

    [Fact]
    public void The_rdp_classifier_assigns_obvious_reads_to_their_genus_with_full_confidence()
    {
        var classifier = new NaiveBayesKmerClassifier(Training, TaxonomyRank.Genus, bootstraps: 100, seed: 1);
        Assert.Equal(3, classifier.LeafCount);
        var b = classifier.Classify(Mutate(GenusB, 11, every: 40), minConfidence: 0.8);
        Assert.Equal(LineageB.TruncateAfter(TaxonomyRank.Genus), b.Lineage);
        Assert.Equal(1.0, b.Confidence[(int)TaxonomyRank.Genus]);
        Assert.Equal(LineageC.TruncateAfter(TaxonomyRank.Genus), classifier.Classify(GenusC[20..180]).Lineage);
        Assert.Equal("Bacillus", classifier.Classify(Mutate(GenusA, 12, every: 40)).Lineage[TaxonomyRank.Genus]);
    }

    [Fact]
    public void The_rdp_classifier_with_species_leaves_separates_close_species()
    {
        var classifier = new NaiveBayesKmerClassifier(Training, TaxonomyRank.Species);
        Assert.Equal(LineageA2, classifier.Classify(Mutate(SpeciesA2, 13, every: 60)).Lineage);
        Assert.Equal(LineageA1, classifier.Classify(Mutate(GenusA, 14, every: 60)).Lineage);
    }

    [Fact]
    public void The_rdp_confidence_falls_for_a_chimera_of_two_genera_and_the_floor_unassigns_the_ranks_they_disagree_on()
    {
        // Part Bacillus, part Escherichia: as the junction moves, the bootstrap trials go from one genus to the other,
        // which share only the kingdom; in between they split, and the floor unassigns every rank below the kingdom.
        var classifier = new NaiveBayesKmerClassifier(Training, TaxonomyRank.Genus, bootstraps: 100, seed: 1);
        var chimeras = Enumerable.Range(1, 19).Select(i => classifier.Classify(GenusA[..(i * 10)] + GenusB[(i * 10)..], minConfidence: 0.8)).ToArray();
        Assert.Equal("Escherichia", chimeras[0].Lineage[TaxonomyRank.Genus]);
        Assert.Equal("Bacillus", chimeras[^1].Lineage[TaxonomyRank.Genus]);
        Assert.All(chimeras, c => Assert.Equal(1.0, c.Confidence[(int)TaxonomyRank.Kingdom]));
        Assert.All(chimeras, c => Assert.Equal(c.Confidence[(int)TaxonomyRank.Phylum], c.Confidence[(int)TaxonomyRank.Genus]));
        var split = chimeras.Where(c => c.Confidence[(int)TaxonomyRank.Genus] is > 0.2 and < 0.8).ToArray();
        Assert.NotEmpty(split);
        Assert.All(split, c => Assert.Equal(new TaxonomyPath("Bacteria"), c.Lineage));
    }

    [Fact]
    public void The_nearest_neighbour_takes_the_lineage_of_the_most_similar_read()
    {
        var classifier = new KmerNearestNeighbourClassifier(Training);
        Assert.Equal(7, classifier.Count);
        Assert.Equal(LineageA2, classifier.Classify(Mutate(SpeciesA2, 15, every: 40)).Lineage);
        Assert.Equal(LineageB, classifier.Classify(GenusB[..150]).Lineage);
        var c = classifier.Classify(GenusC);
        Assert.Equal(LineageC, c.Lineage);
        Assert.InRange(c.Confidence[0], 0.5, 1.0);
    }

    [Fact]
    public void Words_skip_ambiguous_bases_and_ignore_case()
    {
        Assert.Equal(KmerWords.Distinct("ACGTACGTAC", 8), KmerWords.Distinct("acgtACGTac", 8));
        Assert.Equal(3, KmerWords.Distinct("ACGTACGTAC", 8).Length);
        Assert.Empty(KmerWords.Distinct("ACGTNACGTA", 8));
        Assert.Equal([0b_00_01_10_11], KmerWords.Distinct("ACGT", 4));
    }

    private static string RandomSequence(int seed, int length = 200)
    {
        var random = new Random(seed);
        return new string(Enumerable.Range(0, length).Select(_ => "ACGT"[random.Next(4)]).ToArray());
    }

    private static string Mutate(string sequence, int seed, int every)
    {
        var random = new Random(seed);
        var chars = sequence.ToCharArray();
        for (var i = random.Next(every); i < chars.Length; i += every)
        {
            chars[i] = "ACGT"[("ACGT".IndexOf(chars[i], StringComparison.Ordinal) + 1 + random.Next(3)) % 4];
        }

        return new string(chars);
    }
}
