using Connectomics.Lora.Taxonomy;

namespace Connectomics.Lora.Tests.Taxonomy;

public sealed class TaxonomyPathTests
{
    [Fact]
    public void Parse_reads_seven_plain_ranks_as_rdp_and_silva_write_them()
    {
        var path = TaxonomyPath.Parse("Bacteria;Firmicutes;Bacilli;Lactobacillales;Lactobacillaceae;Lactobacillus;Lactobacillus acidophilus");
        Assert.Equal("Bacteria", path[TaxonomyRank.Kingdom]);
        Assert.Equal("Firmicutes", path[TaxonomyRank.Phylum]);
        Assert.Equal("Bacilli", path[TaxonomyRank.Class]);
        Assert.Equal("Lactobacillales", path[TaxonomyRank.Order]);
        Assert.Equal("Lactobacillaceae", path[TaxonomyRank.Family]);
        Assert.Equal("Lactobacillus", path[TaxonomyRank.Genus]);
        Assert.Equal("Lactobacillus acidophilus", path[TaxonomyRank.Species]);
        Assert.Equal(TaxonomyRank.Species, path.DeepestRank);
    }

    [Fact]
    public void Parse_trims_fields_and_treats_empty_and_absent_ranks_as_missing()
    {
        var path = TaxonomyPath.Parse("  Bacteria ; ;Bacilli;  ;Lactobacillaceae");
        Assert.Equal(["Bacteria", null, "Bacilli", null, "Lactobacillaceae", null, null], path.Names);
        Assert.Equal(TaxonomyRank.Family, path.DeepestRank);
        Assert.Equal("Bacteria;;Bacilli;;Lactobacillaceae;;", path.ToTaxonomyString());
    }

    [Fact]
    public void Parse_strips_rank_prefixes_and_a_bare_prefix_is_a_missing_rank()
    {
        var path = TaxonomyPath.Parse("k__Bacteria; p__Firmicutes; c__Bacilli; o__; f__Lactobacillaceae; g__; s__");
        Assert.Equal(["Bacteria", "Firmicutes", "Bacilli", null, "Lactobacillaceae", null, null], path.Names);
    }

    [Fact]
    public void Parse_accepts_one_trailing_separator_after_seven_ranks()
    {
        Assert.Equal(TaxonomyPath.Parse("a;b;c;d;e;f;g"), TaxonomyPath.Parse("a;b;c;d;e;f;g;"));
    }

    [Fact]
    public void Parse_refuses_more_than_seven_ranks_quoting_the_text()
    {
        var error = Assert.Throws<TaxonomyFormatException>(() => TaxonomyPath.Parse("Root;a;b;c;d;e;f;g"));
        Assert.Contains("'Root;a;b;c;d;e;f;g'", error.Message, StringComparison.Ordinal);
        Assert.Contains("8 ranks", error.Message, StringComparison.Ordinal);
        Assert.Equal("Root;a;b;c;d;e;f;g", error.Text);
    }

    [Fact]
    public void Parse_refuses_a_prefix_at_another_rank()
    {
        var error = Assert.Throws<TaxonomyFormatException>(() => TaxonomyPath.Parse("k__Bacteria;g__Bacillus"));
        Assert.Contains("'g__Bacillus'", error.Message, StringComparison.Ordinal);
        Assert.Contains("p__", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_string_names_no_rank_and_the_string_form_round_trips()
    {
        Assert.True(TaxonomyPath.Parse("  ").IsEmpty);
        Assert.Null(TaxonomyPath.Parse(string.Empty).DeepestRank);
        var path = new TaxonomyPath("A", null, "C");
        Assert.Equal(path, TaxonomyPath.Parse(path.ToTaxonomyString()));
        Assert.Equal(path.GetHashCode(), TaxonomyPath.Parse("A;;C").GetHashCode());
        Assert.Equal(new TaxonomyPath("A", null, "C"), new TaxonomyPath("A", null, "C", "D").TruncateAfter(TaxonomyRank.Class));
    }

    [Fact]
    public void The_constructor_refuses_a_separator_inside_a_name()
    {
        Assert.Throws<ArgumentException>(() => new TaxonomyPath("A;B"));
        Assert.Throws<ArgumentException>(() => new TaxonomyPath("a", "b", "c", "d", "e", "f", "g", "h"));
    }
}
