using Connectomics.Lora.Taxonomy;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Tests.Taxonomy;

public sealed class TaxonomyLossTests
{
    // Two rows; every rank has three classes except species (two). Labels with -100 are unknown.
    private static readonly float[][][] Logits =
    [
        [[2.0f, 0.5f, -1.0f], [0.0f, 0.0f, 0.0f]],
        [[1.0f, 2.0f, 3.0f], [3.0f, 2.0f, 1.0f]],
        [[0.1f, 0.2f, 0.3f], [-0.5f, 0.5f, 1.5f]],
        [[1.0f, 1.0f, 4.0f], [0.0f, 2.0f, 0.0f]],
        [[0.3f, -0.3f, 0.0f], [2.5f, 0.0f, -2.5f]],
        [[1.5f, 0.0f, 0.0f], [0.0f, 1.5f, 0.0f]],
        [[0.7f, -0.7f], [1.2f, 0.2f]],
    ];

    private static readonly long[,] Labels =
    {
        { 0, 2, 1, 2, -100, 0, -100 },
        { 1, -100, 2, 1, 0, 1, -100 },
    };

    [Fact]
    public void The_loss_is_the_weighted_sum_of_per_rank_means_over_labelled_rows_computed_by_hand()
    {
        var weights = RankWeights.Default;
        var expected = 0.0;
        for (var r = 0; r < 7; r++)
        {
            var sum = 0.0;
            var count = 0;
            for (var b = 0; b < 2; b++)
            {
                if (Labels[b, r] != -100)
                {
                    sum += CrossEntropy(Logits[r][b], (int)Labels[b, r]);
                    count++;
                }
            }

            expected += weights[(TaxonomyRank)r] * (count == 0 ? 0 : sum / count);
        }

        using var scope = torch.NewDisposeScope();
        var loss = TaxonomyLoss.Compute(ToTensors(), LabelTensor(), weights);
        Assert.Equal(expected, loss.item<float>(), 5);

        // The species rank has no labelled row: it adds exactly nothing, whatever its weight.
        var heavySpecies = RankWeights.Default;
        heavySpecies.Species = 1000;
        Assert.Equal(loss.item<float>(), TaxonomyLoss.Compute(ToTensors(), LabelTensor(), heavySpecies).item<float>());
    }

    [Fact]
    public void Hand_computed_value_of_a_single_rank()
    {
        // Kingdom only, weight 2: CE(row 0, class 0) and CE(row 1, class 1) averaged.
        var weights = RankWeights.FromValues(2, 0, 0, 0, 0, 0, 0);
        var row0 = -Math.Log(Math.Exp(2.0) / (Math.Exp(2.0) + Math.Exp(0.5) + Math.Exp(-1.0)));
        var row1 = Math.Log(3.0);
        using var scope = torch.NewDisposeScope();
        Assert.Equal(2 * (row0 + row1) / 2, TaxonomyLoss.Compute(ToTensors(), LabelTensor(), weights).item<float>(), 5);
    }

    [Fact]
    public void Per_rank_losses_are_zero_for_a_rank_without_labels_and_gradients_skip_unlabelled_rows()
    {
        using var scope = torch.NewDisposeScope();
        var logits = ToTensors().Select(t => t.requires_grad_(true)).ToArray();
        var perRank = TaxonomyLoss.ComputePerRank(logits, LabelTensor());
        Assert.Equal(0f, perRank[6].item<float>());
        Assert.Equal(CrossEntropy(Logits[4][1], 0), perRank[4].item<float>(), 5);

        TaxonomyLoss.Compute(logits, LabelTensor(), RankWeights.Default).backward();
        var phylumGrad = logits[1].grad!.data<float>().ToArray();
        Assert.All(phylumGrad.Skip(3), g => Assert.Equal(0f, g));
        Assert.Contains(phylumGrad.Take(3), g => g != 0f);
        Assert.All(logits[6].grad!.data<float>().ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Shapes_that_do_not_fit_are_refused()
    {
        using var scope = torch.NewDisposeScope();
        Assert.Throws<ArgumentException>(() => TaxonomyLoss.Compute(ToTensors().Take(6).ToArray(), LabelTensor(), RankWeights.Default));
        Assert.Throws<ArgumentException>(() => TaxonomyLoss.Compute(ToTensors(), LabelTensor().to(ScalarType.Int32), RankWeights.Default));
        Assert.Throws<ArgumentException>(() => TaxonomyLoss.Compute(ToTensors(), torch.zeros([3, 7], ScalarType.Int64), RankWeights.Default));
    }

    [Fact]
    public void Rank_weights_default_as_specified_and_refuse_invalid_values()
    {
        Assert.Equal([2.0, 1.8, 1.5, 1.2, 1.0, 0.8, 0.6], RankWeights.Default.ToArray());
        var weights = new RankWeights();
        Assert.Throws<ArgumentOutOfRangeException>(() => weights.Genus = -0.1);
        Assert.Throws<ArgumentOutOfRangeException>(() => weights.Class = double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => weights[TaxonomyRank.Kingdom] = double.PositiveInfinity);
        Assert.Throws<ArgumentException>(() => RankWeights.FromValues(0, 0, 0, 0, 0, 0, 0));
        Assert.Throws<ArgumentException>(() => RankWeights.FromValues(1, 1));
        Assert.Equal(0.8, weights.Genus);
    }

    private static double CrossEntropy(float[] logits, int target)
    {
        var max = logits.Max();
        var logSum = Math.Log(logits.Sum(l => Math.Exp(l - max))) + max;
        return logSum - logits[target];
    }

    private static Tensor[] ToTensors() =>
        Logits.Select(rank => torch.tensor(rank.SelectMany(row => row).ToArray(), [2, rank[0].Length])).ToArray();

    private static Tensor LabelTensor() => torch.tensor(Labels.Cast<long>().ToArray(), [2, 7]);
}
