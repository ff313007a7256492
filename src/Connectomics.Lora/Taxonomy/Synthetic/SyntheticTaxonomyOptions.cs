using System.Globalization;

namespace Connectomics.Lora.Taxonomy.Synthetic;

/// <summary>The shape of a <see cref="SyntheticTaxonomyDataset"/>: its tree, its reads and their noise.</summary>
public sealed class SyntheticTaxonomyOptions
{
    /// <summary>
    /// Gets the tree's branching, kingdom first: the number of kingdoms, then the children of each taxon at every
    /// lower rank. Seven positive numbers; the species count is their product.
    /// </summary>
    /// <value>The default value is <c>[2, 2, 2, 2, 2, 2, 2]</c> (128 species).</value>
    public IList<int> Branching { get; } = [2, 2, 2, 2, 2, 2, 2];

    /// <summary>
    /// Gets the share of positions that each taxon changes from its parent's sequence, kingdom first (the kingdoms
    /// change a random ancestor). Seven numbers in [0, 1]; deeper ranks usually differ less.
    /// </summary>
    /// <value>The default value is <c>[0.25, 0.12, 0.08, 0.06, 0.04, 0.03, 0.02]</c>.</value>
    public IList<double> Divergence { get; } = [0.25, 0.12, 0.08, 0.06, 0.04, 0.03, 0.02];

    /// <summary>Gets or sets the length of each species' template (a marker gene is about 1.5 kb).</summary>
    /// <value>The default value is 1500.</value>
    public int TemplateLength { get; set; } = 1500;

    /// <summary>Gets or sets the length of each read: <see langword="null"/> for the whole template, or a shorter
    /// length for reads that are windows of it at random offsets.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? ReadLength { get; set; }

    /// <summary>Gets or sets the number of reads per species (a singleton species has one).</summary>
    /// <value>The default value is 10.</value>
    public int ReadsPerSpecies { get; set; } = 10;

    /// <summary>Gets or sets the share of species with one read only, as in real marker-gene references.</summary>
    /// <value>The default value is 0.</value>
    public double SingletonSpeciesFraction { get; set; }

    /// <summary>Gets or sets the per-base probability that a read differs from its template (substitution).</summary>
    /// <value>The default value is 0.01.</value>
    public double MutationRate { get; set; } = 0.01;

    /// <summary>Gets or sets the share of reads that carry one soft-masked (lower-case) run.</summary>
    /// <value>The default value is 0.</value>
    public double SoftMaskedReadFraction { get; set; }

    /// <summary>Gets or sets the length of a soft-masked run.</summary>
    /// <value>The default value is 40.</value>
    public int SoftMaskedRunLength { get; set; } = 40;

    /// <summary>Gets or sets the per-base probability of an ambiguous base, written <c>N</c>.</summary>
    /// <value>The default value is 0.</value>
    public double AmbiguousBaseRate { get; set; }

    /// <summary>Gets or sets the share of reads whose species is left unnamed (labelled to genus only).</summary>
    /// <value>The default value is 0.</value>
    public double UnnamedSpeciesFraction { get; set; }

    /// <summary>Gets or sets the seed; the same options and seed give the same dataset.</summary>
    /// <value>The default value is 0.</value>
    public long Seed { get; set; }

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message lists every failure.</exception>
    public void Validate()
    {
        var failures = new List<string>();
        if (Branching.Count != TaxonomyPath.RankCount || Branching.Any(b => b <= 0))
        {
            failures.Add($"Branching needs {TaxonomyPath.RankCount} positive numbers, not [{string.Join(", ", Branching)}].");
        }
        else if (Branching.Aggregate(1L, (product, b) => Math.Min(product * b, long.MaxValue / 1024)) > 1_000_000)
        {
            failures.Add("Branching makes more than 1,000,000 species.");
        }

        if (Divergence.Count != TaxonomyPath.RankCount || Divergence.Any(d => !(d >= 0 && d <= 1)))
        {
            failures.Add($"Divergence needs {TaxonomyPath.RankCount} numbers in [0, 1], not [{string.Join(", ", Divergence.Select(d => d.ToString(CultureInfo.InvariantCulture)))}].");
        }

        if (TemplateLength is < 8 or > 100_000)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"TemplateLength must be in [8, 100000], not {TemplateLength}."));
        }

        if (ReadLength is { } length && (length < 1 || length > TemplateLength))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"ReadLength must be in [1, TemplateLength = {TemplateLength}], not {length}."));
        }

        if (ReadsPerSpecies <= 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"ReadsPerSpecies must be positive, not {ReadsPerSpecies}."));
        }

        Probability(nameof(SingletonSpeciesFraction), SingletonSpeciesFraction, failures);
        Probability(nameof(MutationRate), MutationRate, failures);
        Probability(nameof(SoftMaskedReadFraction), SoftMaskedReadFraction, failures);
        Probability(nameof(AmbiguousBaseRate), AmbiguousBaseRate, failures);
        Probability(nameof(UnnamedSpeciesFraction), UnnamedSpeciesFraction, failures);
        if (SoftMaskedRunLength <= 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"SoftMaskedRunLength must be positive, not {SoftMaskedRunLength}."));
        }

        if (failures.Count > 0)
        {
            throw new ArgumentException($"{nameof(SyntheticTaxonomyOptions)}: {string.Join(" ", failures)}");
        }
    }

    internal SyntheticTaxonomyOptions Clone()
    {
        var copy = new SyntheticTaxonomyOptions();
        copy.Branching.Clear();
        copy.Divergence.Clear();
        foreach (var b in Branching)
        {
            copy.Branching.Add(b);
        }

        foreach (var d in Divergence)
        {
            copy.Divergence.Add(d);
        }

        copy.TemplateLength = TemplateLength;
        copy.ReadLength = ReadLength;
        copy.ReadsPerSpecies = ReadsPerSpecies;
        copy.SingletonSpeciesFraction = SingletonSpeciesFraction;
        copy.MutationRate = MutationRate;
        copy.SoftMaskedReadFraction = SoftMaskedReadFraction;
        copy.SoftMaskedRunLength = SoftMaskedRunLength;
        copy.AmbiguousBaseRate = AmbiguousBaseRate;
        copy.UnnamedSpeciesFraction = UnnamedSpeciesFraction;
        copy.Seed = Seed;
        return copy;
    }

    private static void Probability(string name, double value, List<string> failures)
    {
        if (!(value >= 0 && value <= 1))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{name} must be in [0, 1], not {value}."));
        }
    }
}
