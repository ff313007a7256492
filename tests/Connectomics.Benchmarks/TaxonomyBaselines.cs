using System.Diagnostics;
using System.Globalization;
using Connectomics.Lora.Taxonomy;
using Connectomics.Lora.Taxonomy.Baselines;
using Connectomics.Lora.Taxonomy.Synthetic;

namespace Connectomics.Benchmarks;

/// <summary>
/// Established taxonomy classifiers on a held-out split of the synthetic labelled set: the RDP naive-Bayes 8-mer
/// classifier (genus leaves for kingdom…genus, species leaves for species; with and without its 0.8 bootstrap floor)
/// and an 8-mer Jaccard nearest neighbour. Prints per-rank accuracy and macro-F1 as a Markdown table.
/// </summary>
/// <remarks>
/// Arguments: <c>--seed N</c> (dataset, default 1), <c>--validation F</c> (held-out share, default 0.2),
/// <c>--read-length N</c> (windows of the 1.5 kb templates; default the whole template), <c>--reads-per-species N</c>
/// (default 4).
/// </remarks>
internal static class TaxonomyBaselines
{
    public static int Run(string[] args)
    {
        var seed = 1L;
        var validationFraction = 0.2;
        int? readLength = null;
        var readsPerSpecies = 4;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seed":
                    seed = long.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--validation":
                    validationFraction = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--read-length":
                    readLength = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--reads-per-species":
                    readsPerSpecies = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"Unknown argument '{args[i]}'. Use --seed N --validation F --read-length N --reads-per-species N.");
                    return 2;
            }
        }

        var options = DatasetOptions(seed, readLength, readsPerSpecies);
        var dataset = SyntheticTaxonomyDataset.Generate(options);
        var (training, validation) = new LabelledSequenceSplit(validationFraction, seed).Split(dataset.Reads);
        Console.WriteLine(Describe(options, dataset, training, validation));
        Console.WriteLine();

        var clock = Stopwatch.StartNew();
        var genusLeaves = new NaiveBayesKmerClassifier(training, TaxonomyRank.Genus, bootstraps: 100, seed: seed);
        var speciesLeaves = new NaiveBayesKmerClassifier(training, TaxonomyRank.Species, bootstraps: 100, seed: seed);
        var rdpTrain = clock.Elapsed;
        clock.Restart();
        var rdp = new TaxonomyMetrics();
        var rdpFloor = new TaxonomyMetrics();
        foreach (var read in validation)
        {
            var byGenus = genusLeaves.Classify(read.Sequence);
            var bySpecies = speciesLeaves.Classify(read.Sequence);
            rdp.Add(read.Taxonomy, Combine(byGenus, bySpecies, floor: 0));
            rdpFloor.Add(read.Taxonomy, Combine(byGenus, bySpecies, floor: 0.8));
        }

        var rdpClassify = clock.Elapsed;
        clock.Restart();
        var neighbours = new KmerNearestNeighbourClassifier(training);
        var knnTrain = clock.Elapsed;
        clock.Restart();
        var knn = new TaxonomyMetrics();
        foreach (var read in validation)
        {
            knn.Add(read.Taxonomy, neighbours.Classify(read.Sequence).Lineage);
        }

        var knnClassify = clock.Elapsed;

        Console.WriteLine("| method | metric | kingdom | phylum | class | order | family | genus | species |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        Row("RDP naive Bayes (8-mers, 100 bootstraps), no floor", rdp);
        Row("RDP naive Bayes, 0.8 bootstrap floor (unassigned = wrong)", rdpFloor);
        Row("8-mer Jaccard nearest neighbour (top-1)", knn);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Chance (most frequent training label): {string.Join(", ", Chance(training, validation).Select(c => c.ToString("F3", CultureInfo.InvariantCulture)))}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Time: RDP train {rdpTrain.TotalSeconds:F1} s, classify {rdpClassify.TotalSeconds:F1} s (both leaf ranks); nearest neighbour index {knnTrain.TotalSeconds:F1} s, classify {knnClassify.TotalSeconds:F1} s; {Environment.ProcessorCount} CPUs."));
        return 0;
    }

    internal static SyntheticTaxonomyOptions DatasetOptions(long seed, int? readLength, int readsPerSpecies)
    {
        var options = new SyntheticTaxonomyOptions
        {
            TemplateLength = 1500,
            ReadLength = readLength,
            ReadsPerSpecies = readsPerSpecies,
            SingletonSpeciesFraction = 0.3,
            MutationRate = 0.01,
            SoftMaskedReadFraction = 0.1,
            AmbiguousBaseRate = 0.001,
            UnnamedSpeciesFraction = 0.05,
            Seed = seed,
        };
        options.Branching.Clear();
        foreach (var b in new[] { 2, 2, 2, 3, 3, 4, 3 })
        {
            options.Branching.Add(b);
        }

        return options;
    }

    private static TaxonomyPath Combine(BaselinePrediction byGenus, BaselinePrediction bySpecies, double floor)
    {
        var names = new string?[TaxonomyPath.RankCount];
        for (var r = 0; r <= (int)TaxonomyRank.Genus && byGenus.Confidence[r] >= floor; r++)
        {
            names[r] = byGenus.Lineage.Names[r];
        }

        var species = (int)TaxonomyRank.Species;
        if (bySpecies.Confidence[species] >= floor)
        {
            names[species] = bySpecies.Lineage.Names[species];
        }

        return new TaxonomyPath(names);
    }

    private static void Row(string method, TaxonomyMetrics metrics)
    {
        var scores = metrics.Compute();
        Console.WriteLine($"| {method} | accuracy | {string.Join(" | ", scores.Select(s => s.Accuracy.ToString("F3", CultureInfo.InvariantCulture)))} |");
        Console.WriteLine($"| | macro-F1 | {string.Join(" | ", scores.Select(s => s.MacroF1.ToString("F3", CultureInfo.InvariantCulture)))} |");
    }

    private static double[] Chance(IReadOnlyList<LabelledSequence> training, IReadOnlyList<LabelledSequence> validation) =>
        Enumerable.Range(0, TaxonomyPath.RankCount).Select(r =>
        {
            var top = training.Select(t => t.Taxonomy.Names[r]).Where(n => n is not null).GroupBy(n => n, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
            var labelled = validation.Where(v => v.Taxonomy.Names[r] is not null).ToArray();
            return labelled.Count(v => v.Taxonomy.Names[r] == top) / (double)labelled.Length;
        }).ToArray();

    private static string Describe(SyntheticTaxonomyOptions options, SyntheticTaxonomyDataset dataset, IReadOnlyList<LabelledSequence> training, IReadOnlyList<LabelledSequence> validation)
    {
        var genera = dataset.Species.Select(s => s[TaxonomyRank.Genus]).Distinct().Count();
        var unseenSpecies = validation.Count(v => v.Taxonomy[TaxonomyRank.Species] is { } s && !training.Any(t => t.Taxonomy[TaxonomyRank.Species] == s));
        return string.Create(CultureInfo.InvariantCulture,
            $"Synthetic set: seed {options.Seed}, branching [{string.Join(", ", options.Branching)}] ({genera} genera, {dataset.Species.Count} species), "
            + $"templates {options.TemplateLength} b, reads {(options.ReadLength is { } l ? $"{l} b windows" : "whole templates")}, {options.ReadsPerSpecies} reads per species "
            + $"({options.SingletonSpeciesFraction:P0} singleton species), read substitutions {options.MutationRate:P1}, N rate {options.AmbiguousBaseRate:P1}, "
            + $"{options.SoftMaskedReadFraction:P0} reads soft-masked, {options.UnnamedSpeciesFraction:P0} species unnamed; {dataset.Reads.Count} reads, "
            + $"held out by id hash: {validation.Count} ({unseenSpecies} of a species absent from training), training {training.Count}.");
    }
}
