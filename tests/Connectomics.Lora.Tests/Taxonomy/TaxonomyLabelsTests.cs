using System.Text.Json.Nodes;
using Connectomics.Lora.Taxonomy;
using TorchSharp;

namespace Connectomics.Lora.Tests.Taxonomy;

public sealed class TaxonomyLabelsTests
{
    private static readonly TaxonomyPath[] Training =
    [
        TaxonomyPath.Parse("Bacteria;Firmicutes;Bacilli;Lactobacillales;Lactobacillaceae;Lactobacillus;L. acidophilus"),
        TaxonomyPath.Parse("Bacteria;Firmicutes;Bacilli;Bacillales;Bacillaceae;Bacillus;B. subtilis"),
        TaxonomyPath.Parse("Bacteria;Proteobacteria;Gammaproteobacteria;Enterobacterales;Enterobacteriaceae;Escherichia;E. coli"),
        TaxonomyPath.Parse("Archaea;Euryarchaeota;Methanobacteria;Methanobacteriales;Methanobacteriaceae;Methanobrevibacter"),

        // Messy data: a genus filed under a second family.
        TaxonomyPath.Parse("Bacteria;Firmicutes;Bacilli;Bacillales;Paenibacillaceae;Bacillus"),
        TaxonomyPath.Parse("Bacteria;;Bacilli"),
    ];

    [Fact]
    public void Ids_follow_ordinal_order_of_the_names_seen_at_each_rank()
    {
        var labels = TaxonomyLabels.Build(Training);
        Assert.Equal(["Archaea", "Bacteria"], labels.LabelsAt(TaxonomyRank.Kingdom));
        Assert.Equal(["Euryarchaeota", "Firmicutes", "Proteobacteria"], labels.LabelsAt(TaxonomyRank.Phylum));
        Assert.Equal(["B. subtilis", "E. coli", "L. acidophilus"], labels.LabelsAt(TaxonomyRank.Species));
        Assert.Equal(4, labels.CountAt(TaxonomyRank.Genus));
        Assert.Equal(labels.LabelsAt(TaxonomyRank.Family), TaxonomyLabels.Build(Training.Reverse()).LabelsAt(TaxonomyRank.Family));
    }

    [Fact]
    public void Encode_gives_ids_and_the_ignore_index_for_missing_and_unseen_names()
    {
        var labels = TaxonomyLabels.Build(Training);
        Assert.Equal([1L, 1, 0, 0, 0, 0, 0], labels.Encode(Training[1]));
        Assert.Equal([1L, -100, 0, -100, -100, -100, -100], labels.Encode(TaxonomyPath.Parse("Bacteria;;Bacilli")));
        Assert.Equal([1L, 2, -100, -100, -100, -100, -100], labels.Encode(TaxonomyPath.Parse("Bacteria;Proteobacteria;Alphaproteobacteria")));
        using var batch = labels.EncodeBatch([Training[0], TaxonomyPath.Empty]);
        Assert.Equal([2L, 7], batch.shape);
        Assert.Equal(torch.ScalarType.Int64, batch.dtype);
        Assert.Equal([1L, 1, 0, 2, 2, 2, 2, -100, -100, -100, -100, -100, -100, -100], batch.data<long>().ToArray());
    }

    [Fact]
    public void The_tree_keeps_every_parent_a_name_was_seen_under()
    {
        var labels = TaxonomyLabels.Build(Training);
        labels.TryGetId(TaxonomyRank.Genus, "Bacillus", out var bacillus);
        var parents = labels.ParentsOf(TaxonomyRank.Genus, bacillus).Select(p => labels.NameOf(TaxonomyRank.Family, p));
        Assert.Equal(["Bacillaceae", "Paenibacillaceae"], parents);
        labels.TryGetId(TaxonomyRank.Class, "Bacilli", out var bacilli);
        Assert.Equal(["Firmicutes"], labels.ParentsOf(TaxonomyRank.Class, bacilli).Select(p => labels.NameOf(TaxonomyRank.Phylum, p)));
        labels.TryGetId(TaxonomyRank.Kingdom, "Bacteria", out var bacteria);
        Assert.Equal(["Firmicutes", "Proteobacteria"], labels.ChildrenOf(TaxonomyRank.Kingdom, bacteria).Select(c => labels.NameOf(TaxonomyRank.Phylum, c)));
        Assert.Empty(labels.ParentsOf(TaxonomyRank.Kingdom, bacteria));
    }

    [Fact]
    public void Save_and_load_round_trip_and_leave_no_temporary_file()
    {
        using var directory = new TempDirectory();
        var labels = TaxonomyLabels.Build(Training);
        var path = directory.File("labels.json");
        labels.Save(path);
        labels.Save(path);
        Assert.Equal(["labels.json"], Directory.GetFileSystemEntries(directory.Path).Select(Path.GetFileName));
        var loaded = TaxonomyLabels.Load(path);
        for (var r = 0; r < TaxonomyPath.RankCount; r++)
        {
            var rank = (TaxonomyRank)r;
            Assert.Equal(labels.LabelsAt(rank), loaded.LabelsAt(rank));
            for (var i = 0; i < labels.CountAt(rank); i++)
            {
                Assert.Equal(labels.ParentsOf(rank, i), loaded.ParentsOf(rank, i));
                Assert.Equal(labels.ChildrenOf(rank, i), loaded.ChildrenOf(rank, i));
            }
        }
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("""{"format":"other","version":1,"ranks":[]}""", "\"format\"")]
    [InlineData("""{"format":"connectomics.taxonomy-labels","version":2,"ranks":[]}""", "\"version\"")]
    [InlineData("""{"format":"connectomics.taxonomy-labels","version":1,"ranks":[]}""", "array of 7")]
    public void Load_refuses_a_malformed_file_naming_it(string content, string expected)
    {
        using var directory = new TempDirectory();
        var path = directory.File("labels.json");
        File.WriteAllText(path, content);
        var error = Assert.Throws<TaxonomyLabelsFormatException>(() => TaxonomyLabels.Load(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.FilePath);
    }

    [Fact]
    public void Load_refuses_unsorted_labels_and_parent_ids_out_of_range()
    {
        using var directory = new TempDirectory();
        var path = directory.File("labels.json");
        TaxonomyLabels.Build(Training).Save(path);
        var json = JsonNode.Parse(File.ReadAllText(path))!;

        var unsorted = json.DeepClone();
        unsorted["ranks"]![0]!["labels"] = new JsonArray("Bacteria", "Archaea");
        File.WriteAllText(path, unsorted.ToJsonString());
        Assert.Contains("ordinal order", Assert.Throws<TaxonomyLabelsFormatException>(() => TaxonomyLabels.Load(path)).Message, StringComparison.Ordinal);

        var badParent = json.DeepClone();
        badParent["ranks"]![1]!["parents"]![0] = new JsonArray(5);
        File.WriteAllText(path, badParent.ToJsonString());
        Assert.Contains("phylum label 'Euryarchaeota'", Assert.Throws<TaxonomyLabelsFormatException>(() => TaxonomyLabels.Load(path)).Message, StringComparison.Ordinal);

        Assert.Throws<FileNotFoundException>(() => TaxonomyLabels.Load(directory.File("missing.json")));
    }
}
