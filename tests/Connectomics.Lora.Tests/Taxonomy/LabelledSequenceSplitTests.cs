using Connectomics.Lora.Taxonomy;

namespace Connectomics.Lora.Tests.Taxonomy;

public sealed class LabelledSequenceSplitTests
{
    private static readonly LabelledSequence[] Reads =
        Enumerable.Range(0, 4000).Select(i => new LabelledSequence($"read{i}", "ACGT", new TaxonomyPath("K"))).ToArray();

    [Fact]
    public void The_split_depends_on_ids_only_not_on_order_or_the_other_reads()
    {
        var split = new LabelledSequenceSplit(0.2, seed: 11);
        var (_, validation) = split.Split(Reads);
        var shuffled = Reads.OrderBy(r => r.Id.GetHashCode(StringComparison.Ordinal)).ToArray();
        var (_, shuffledValidation) = split.Split(shuffled);
        Assert.Equal(validation.Select(r => r.Id).Order(StringComparer.Ordinal), shuffledValidation.Select(r => r.Id).Order(StringComparer.Ordinal));

        var (_, subsetValidation) = split.Split(Reads.Where((_, i) => i % 3 == 0));
        Assert.Equal(validation.Where(r => int.Parse(r.Id[4..], System.Globalization.CultureInfo.InvariantCulture) % 3 == 0).Select(r => r.Id), subsetValidation.Select(r => r.Id));
    }

    [Fact]
    public void The_validation_share_is_near_the_fraction_and_the_seed_changes_the_split()
    {
        var (training, validation) = new LabelledSequenceSplit(0.2, seed: 11).Split(Reads);
        Assert.Equal(Reads.Length, training.Count + validation.Count);
        Assert.InRange(validation.Count, 700, 900);
        Assert.Empty(training.Intersect(validation));

        var (_, other) = new LabelledSequenceSplit(0.2, seed: 12).Split(Reads);
        Assert.NotEqual(validation.Select(r => r.Id), other.Select(r => r.Id));
        Assert.Equal(validation.Select(r => r.Id), new LabelledSequenceSplit(0.2, seed: 11).Split(Reads).Validation.Select(r => r.Id));
    }

    [Fact]
    public void The_ends_of_the_range_put_everything_on_one_side()
    {
        Assert.Empty(new LabelledSequenceSplit(0).Split(Reads).Validation);
        Assert.Empty(new LabelledSequenceSplit(1).Split(Reads).Training);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LabelledSequenceSplit(1.1));
    }
}
