using Connectomics.Gpu.Weights;
using Connectomics.Lora.Taxonomy;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Tests.Taxonomy;

public sealed class TaxonomyHeadTests
{
    private static TaxonomyLabels Labels() => TaxonomyLabels.Build(
    [
        TaxonomyPath.Parse("K1;P1;C1;O1;F1;G1;S1"),
        TaxonomyPath.Parse("K1;P1;C1;O1;F1;G2;S2"),
        TaxonomyPath.Parse("K1;P2;C2;O2;F2;G3;S3"),
        TaxonomyPath.Parse("K2;P3;C3;O3;F3;G4"),
    ]);

    [Fact]
    public void The_head_has_one_classifier_per_rank_under_stable_names_and_gives_seven_logits()
    {
        using var scope = torch.NewDisposeScope();
        using var head = new TaxonomyHead(Labels(), hiddenSize: 16, dropout: 0.1, seed: 3);
        var names = head.state_dict().Keys.ToArray();
        string[] ranks = ["kingdom", "phylum", "class", "order", "family", "genus", "species"];
        Assert.Equal(ranks.SelectMany(r => new[] { $"classifiers.{r}.weight", $"classifiers.{r}.bias" }).Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.Equal([2L, 16], head.state_dict()["classifiers.kingdom.weight"].shape);
        Assert.Equal([3L], head.state_dict()["classifiers.species.bias"].shape);

        var logits = head.Forward(torch.randn(5, 16));
        Assert.Equal([2L, 3, 3, 3, 3, 4, 3], logits.Select(l => l.shape[1]));
        Assert.All(logits, l => Assert.Equal(5, l.shape[0]));
        Assert.Throws<ArgumentException>(() => head.Forward(torch.randn(5, 8)));
    }

    [Fact]
    public void Weights_start_as_hugging_face_initialises_a_linear_layer_reproducibly_from_the_seed()
    {
        var labels = TaxonomyLabels.Build(Enumerable.Range(0, 200).Select(i => new TaxonomyPath($"K{i}")));
        using var scope = torch.NewDisposeScope();
        using var head = new TaxonomyHead(labels, hiddenSize: 256, seed: 7);
        using var same = new TaxonomyHead(labels, hiddenSize: 256, seed: 7);
        using var other = new TaxonomyHead(labels, hiddenSize: 256, seed: 8);
        var weight = head.ClassifierAt(TaxonomyRank.Kingdom).weight!;
        Assert.Equal(0.02, weight.std().item<float>(), 3);
        Assert.Equal(0.0, weight.mean().item<float>(), 3);
        Assert.True(head.ClassifierAt(TaxonomyRank.Kingdom).bias!.eq(0).all().item<bool>());
        Assert.True(weight.eq(same.ClassifierAt(TaxonomyRank.Kingdom).weight!).all().item<bool>());
        Assert.False(weight.eq(other.ClassifierAt(TaxonomyRank.Kingdom).weight!).all().item<bool>());
    }

    [Fact]
    public void Save_and_load_round_trip_the_weights_and_the_labels_side_by_side()
    {
        using var directory = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        using var head = new TaxonomyHead(Labels(), hiddenSize: 12, seed: 1);
        using (torch.no_grad())
        {
            head.ClassifierAt(TaxonomyRank.Genus).bias!.add_(0.5);
        }

        head.Save(directory.Path);
        Assert.True(File.Exists(Path.Combine(directory.Path, TaxonomyHead.WeightsFileName)));
        Assert.True(File.Exists(Path.Combine(directory.Path, TaxonomyHead.LabelsFileName)));

        using var loaded = TaxonomyHead.Load(directory.Path);
        Assert.Equal(12, loaded.HiddenSize);
        Assert.Equal(head.Labels.LabelsAt(TaxonomyRank.Genus), loaded.Labels.LabelsAt(TaxonomyRank.Genus));
        var input = torch.randn(4, 12);
        head.eval();
        var expected = head.Forward(input);
        var actual = loaded.Forward(input);
        for (var r = 0; r < 7; r++)
        {
            Assert.True(expected[r].eq(actual[r]).all().item<bool>());
        }
    }

    [Fact]
    public void Load_refuses_weights_that_do_not_fit_the_labels()
    {
        using var directory = new TempDirectory();
        using var scope = torch.NewDisposeScope();
        using (var head = new TaxonomyHead(Labels(), hiddenSize: 12))
        {
            head.Save(directory.Path);
        }

        TaxonomyLabels.Build([TaxonomyPath.Parse("K1;P1;C1;O1;F1;G1;S1")]).Save(Path.Combine(directory.Path, TaxonomyHead.LabelsFileName));
        var error = Assert.Throws<StateDictMismatchException>(() => TaxonomyHead.Load(directory.Path));
        Assert.Contains("classifiers.kingdom.weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Masked_mean_pooling_averages_real_tokens_including_cls_as_the_embedder_does()
    {
        using var scope = torch.NewDisposeScope();
        var hidden = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6, 100, 100, 7, 8, 9, 10, 11, 12, 13, 14 }, [2, 4, 2]);
        var mask = torch.tensor(new long[] { 1, 1, 1, 0, 1, 1, 1, 1 }, [2, 4]);
        var pooled = SequencePooling.MaskedMean(hidden, mask);
        Assert.Equal([3f, 4f, 10f, 11f], pooled.data<float>().ToArray());

        var empty = SequencePooling.MaskedMean(hidden, torch.zeros([2, 4], ScalarType.Int64));
        Assert.All(empty.data<float>().ToArray(), v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentException>(() => SequencePooling.MaskedMean(hidden, torch.ones([2, 3], ScalarType.Int64)));
    }
}
