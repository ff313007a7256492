using Connectomics.Lora.Taxonomy;
using Connectomics.Lora.Taxonomy.Synthetic;

namespace Connectomics.FineTune.Demo;

/// <summary>
/// The demo's reads: a seeded synthetic taxonomy of 128 species (two children per taxon at every rank) whose lineage
/// is written in the sequence, as in a marker gene, with read errors, soft-masked runs and the odd <c>N</c>. Each
/// species gives one read to the held-out test set, one to validation and the rest to training. The same seed always
/// gives the same files, so a second run finds its finished runs and reuses them.
/// </summary>
internal static class DemoDataset
{
    public const string TrainFile = "train.fasta";
    public const string ValidationFile = "validation.fasta";
    public const string TestFile = "test.fasta";

    /// <summary>Generates the dataset and writes the three FASTA files into <paramref name="directory"/>.</summary>
    /// <param name="directory">The demo directory.</param>
    /// <returns>The dataset.</returns>
    public static SyntheticTaxonomyDataset Write(string directory)
    {
        var options = new SyntheticTaxonomyOptions
        {
            TemplateLength = 360,
            ReadsPerSpecies = 8,
            MutationRate = 0.01,
            SoftMaskedReadFraction = 0.2,
            AmbiguousBaseRate = 0.001,
            Seed = 2026,
        };
        var dataset = SyntheticTaxonomyDataset.Generate(options);
        var train = new List<LabelledSequence>();
        var validation = new List<LabelledSequence>();
        var test = new List<LabelledSequence>();
        foreach (var species in dataset.Reads.GroupBy(r => r.Taxonomy.ToTaxonomyString(), StringComparer.Ordinal))
        {
            var reads = species.ToList();
            test.Add(reads[0]);
            if (reads.Count > 1)
            {
                validation.Add(reads[1]);
            }

            train.AddRange(reads.Skip(2));
        }

        Directory.CreateDirectory(directory);
        dataset.WriteFasta(Path.Combine(directory, TrainFile), train);
        dataset.WriteFasta(Path.Combine(directory, ValidationFile), validation);
        dataset.WriteFasta(Path.Combine(directory, TestFile), test);
        return dataset;
    }
}
