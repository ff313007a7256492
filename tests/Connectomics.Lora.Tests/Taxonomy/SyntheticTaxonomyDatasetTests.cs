using Connectomics.Lora.Taxonomy;
using Connectomics.Lora.Taxonomy.Baselines;
using Connectomics.Lora.Taxonomy.Synthetic;
using Connectomics.Storage.Fasta;

namespace Connectomics.Lora.Tests.Taxonomy;

public sealed class SyntheticTaxonomyDatasetTests
{
    private static SyntheticTaxonomyOptions Small()
    {
        var options = new SyntheticTaxonomyOptions { TemplateLength = 300, ReadsPerSpecies = 4, Seed = 5 };
        options.Branching.Clear();
        foreach (var b in new[] { 2, 2, 1, 2, 1, 2, 2 })
        {
            options.Branching.Add(b);
        }

        return options;
    }

    [Fact]
    public void The_tree_and_reads_follow_the_options_and_a_seed_reproduces_them()
    {
        var dataset = SyntheticTaxonomyDataset.Generate(Small());
        Assert.Equal(32, dataset.Species.Count);
        Assert.Equal(128, dataset.Reads.Count);
        Assert.All(dataset.Reads, r => Assert.Equal(300, r.Sequence.Length));
        Assert.All(dataset.Reads, r => Assert.Equal(TaxonomyRank.Species, r.Taxonomy.DeepestRank));
        Assert.Equal(32, dataset.Reads.Select(r => r.Taxonomy).Distinct().Count());
        Assert.Equal(2, dataset.Species.Select(s => s[TaxonomyRank.Kingdom]).Distinct().Count());
        Assert.Equal(16, dataset.Species.Select(s => s[TaxonomyRank.Genus]).Distinct().Count());
        Assert.Equal(128, dataset.Reads.Select(r => r.Id).Distinct().Count());

        var again = SyntheticTaxonomyDataset.Generate(Small());
        Assert.Equal(dataset.Reads, again.Reads);
        var otherOptions = Small();
        otherOptions.Seed = 6;
        Assert.NotEqual(dataset.Reads.Select(r => r.Sequence), SyntheticTaxonomyDataset.Generate(otherOptions).Reads.Select(r => r.Sequence));
    }

    [Fact]
    public void Reads_of_a_taxon_are_closer_to_each_other_than_to_other_taxa()
    {
        var dataset = SyntheticTaxonomyDataset.Generate(Small());
        static double Identity(string a, string b) => a.Zip(b).Count(p => p.First == p.Second) / (double)a.Length;
        var reads = dataset.Reads;
        double Mean(Func<LabelledSequence, LabelledSequence, bool> pair) =>
            reads.SelectMany((a, i) => reads.Skip(i + 1).Where(b => pair(a, b)).Select(b => Identity(a.Sequence, b.Sequence))).Average();

        var sameSpecies = Mean((a, b) => a.Taxonomy.Equals(b.Taxonomy));
        var sameGenusOtherSpecies = Mean((a, b) => a.Taxonomy[TaxonomyRank.Genus] == b.Taxonomy[TaxonomyRank.Genus] && !a.Taxonomy.Equals(b.Taxonomy));
        var otherKingdom = Mean((a, b) => a.Taxonomy[TaxonomyRank.Kingdom] != b.Taxonomy[TaxonomyRank.Kingdom]);
        Assert.True(sameSpecies > sameGenusOtherSpecies, $"{sameSpecies} vs {sameGenusOtherSpecies}");
        Assert.True(sameGenusOtherSpecies > otherKingdom + 0.2, $"{sameGenusOtherSpecies} vs {otherKingdom}");
    }

    [Fact]
    public void Noise_options_add_singletons_soft_masked_runs_ns_short_windows_and_unnamed_species()
    {
        var options = Small();
        options.SingletonSpeciesFraction = 0.5;
        options.SoftMaskedReadFraction = 1;
        options.SoftMaskedRunLength = 10;
        options.AmbiguousBaseRate = 0.05;
        options.ReadLength = 100;
        options.UnnamedSpeciesFraction = 0.5;
        var dataset = SyntheticTaxonomyDataset.Generate(options);
        var perSpecies = dataset.Reads.GroupBy(r => r.Taxonomy[TaxonomyRank.Genus] + "/" + r.Id).Count();
        Assert.Equal(dataset.Reads.Count, perSpecies);
        Assert.InRange(dataset.Reads.Count, 32 + 10, 128 - 10);
        Assert.All(dataset.Reads, r => Assert.Equal(100, r.Sequence.Length));
        Assert.All(dataset.Reads, r => Assert.Contains(r.Sequence, char.IsAsciiLetterLower));
        Assert.Contains(dataset.Reads, r => r.Sequence.Contains('N', StringComparison.Ordinal));
        Assert.Contains(dataset.Reads, r => r.Taxonomy[TaxonomyRank.Species] is null);
        Assert.All(dataset.Reads, r => Assert.NotNull(r.Taxonomy[TaxonomyRank.Genus]));
    }

    [Fact]
    public async Task The_fasta_it_writes_reads_back_through_the_storage_reader_with_the_same_lineages()
    {
        using var directory = new TempDirectory();
        var dataset = SyntheticTaxonomyDataset.Generate(Small());
        var path = directory.File("synthetic.fasta");
        dataset.WriteFasta(path);
        var source = new SequenceFileChunkSourceOptions { UpperCase = false };
        source.Inputs.Add(path);
        var reads = await new LabelledSequenceReader(new SequenceFileChunkSource(source)).ReadAllAsync();
        Assert.Equal(dataset.Reads, reads);
    }

    [Fact]
    public void The_taxonomy_is_learnable_from_sequence_content()
    {
        // Held-out reads by a seeded split; a k-mer nearest neighbour finds their genus far above chance (1/16).
        var options = Small();
        options.MutationRate = 0.02;
        var dataset = SyntheticTaxonomyDataset.Generate(options);
        var (training, validation) = new LabelledSequenceSplit(0.25, seed: 1).Split(dataset.Reads);
        var classifier = new KmerNearestNeighbourClassifier(training);
        var metrics = new TaxonomyMetrics();
        foreach (var read in validation)
        {
            metrics.Add(read.Taxonomy, classifier.Classify(read.Sequence).Lineage);
        }

        Assert.True(metrics.ForRank(TaxonomyRank.Genus).Accuracy > 0.9, metrics.ForRank(TaxonomyRank.Genus).ToString());
        Assert.True(metrics.ForRank(TaxonomyRank.Kingdom).Accuracy == 1.0, metrics.ForRank(TaxonomyRank.Kingdom).ToString());
    }

    [Fact]
    public void Invalid_options_are_refused_listing_every_failure()
    {
        var options = new SyntheticTaxonomyOptions { TemplateLength = 4, ReadsPerSpecies = 0, MutationRate = 2 };
        options.Branching.Add(3);
        var error = Assert.Throws<ArgumentException>(() => SyntheticTaxonomyDataset.Generate(options));
        Assert.Contains("Branching", error.Message, StringComparison.Ordinal);
        Assert.Contains("TemplateLength", error.Message, StringComparison.Ordinal);
        Assert.Contains("ReadsPerSpecies", error.Message, StringComparison.Ordinal);
        Assert.Contains("MutationRate", error.Message, StringComparison.Ordinal);
    }
}
