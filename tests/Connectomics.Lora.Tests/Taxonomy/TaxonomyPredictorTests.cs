using Connectomics.Lora.Taxonomy;
using TorchSharp;

namespace Connectomics.Lora.Tests.Taxonomy;

public sealed class TaxonomyPredictorTests
{
    // Kingdom A → phyla A1, A2; kingdom B → phylum B1. Lower ranks follow one child per parent.
    private static readonly TaxonomyLabels Labels = TaxonomyLabels.Build(
    [
        new TaxonomyPath("A", "A1", "A1c", "A1o", "A1f", "A1g", "A1s"),
        new TaxonomyPath("A", "A2", "A2c", "A2o", "A2f", "A2g", "A2s"),
        new TaxonomyPath("B", "B1", "B1c", "B1o", "B1f", "B1g", "B1s"),
    ]);

    // Ids at ranks below kingdom: A1.. = 0, A2.. = 1, B1.. = 2.
    private static ReadOnlyMemory<float>[] Probabilities(float[] kingdom, float[] lower) =>
        [kingdom, lower, lower, lower, lower, lower, lower];

    [Fact]
    public void Independent_prediction_takes_the_top_label_and_its_probability_at_each_rank()
    {
        var predictor = new TaxonomyPredictor(Labels);
        var prediction = predictor.Predict(Probabilities([0.6f, 0.4f], [0.1f, 0.2f, 0.7f]));
        Assert.Equal("A;B1;B1c;B1o;B1f;B1g;B1s", prediction.ToTaxonomyString());
        Assert.Equal(0.6f, prediction[TaxonomyRank.Kingdom].Probability);
        Assert.Equal(0.7f, prediction[TaxonomyRank.Species].Probability);
    }

    [Fact]
    public void Hierarchical_prediction_chooses_each_rank_among_the_children_of_the_label_above()
    {
        var predictor = new TaxonomyPredictor(Labels, new TaxonomyPredictorOptions { Hierarchical = true });
        var prediction = predictor.Predict(Probabilities([0.6f, 0.4f], [0.1f, 0.2f, 0.7f]));
        Assert.Equal("A;A2;A2c;A2o;A2f;A2g;A2s", prediction.ToTaxonomyString());
        Assert.Equal(0.2f, prediction[TaxonomyRank.Phylum].Probability);
        Assert.Equal(new TaxonomyPath("A", "A2", "A2c", "A2o", "A2f", "A2g", "A2s"), prediction.ToPath());
    }

    [Fact]
    public void Below_the_confidence_floor_a_rank_and_every_rank_under_it_are_unassigned()
    {
        var predictor = new TaxonomyPredictor(Labels, new TaxonomyPredictorOptions { MinConfidence = 0.5 });
        ReadOnlyMemory<float>[] probabilities = [new[] { 0.9f, 0.1f }, new[] { 0.8f, 0.1f, 0.1f }, new[] { 0.45f, 0.1f, 0.45f }, new[] { 0.9f, 0.05f, 0.05f }, new[] { 0.9f, 0.05f, 0.05f }, new[] { 0.9f, 0.05f, 0.05f }, new[] { 0.9f, 0.05f, 0.05f }];
        var prediction = predictor.Predict(probabilities);
        Assert.Equal("A;A1;;;;;", prediction.ToTaxonomyString());
        Assert.False(prediction[TaxonomyRank.Class].IsAssigned);
        Assert.Equal(0.45f, prediction[TaxonomyRank.Class].Probability);
        Assert.False(prediction[TaxonomyRank.Species].IsAssigned);
    }

    [Fact]
    public void A_parent_without_children_in_training_leaves_the_ranks_below_unassigned()
    {
        var labels = TaxonomyLabels.Build([new TaxonomyPath("A", "A1", "A1c"), new TaxonomyPath("B", "B1")]);
        var predictor = new TaxonomyPredictor(labels, new TaxonomyPredictorOptions { Hierarchical = true });
        ReadOnlyMemory<float>[] probabilities = [new[] { 0.2f, 0.8f }, new[] { 0.9f, 0.1f }, new[] { 1f }, Array.Empty<float>(), Array.Empty<float>(), Array.Empty<float>(), Array.Empty<float>()];
        var prediction = predictor.Predict(probabilities);
        Assert.Equal("B;B1;;;;;", prediction.ToTaxonomyString());
        Assert.Equal(0.1f, prediction[TaxonomyRank.Phylum].Probability);
        Assert.Equal(0f, prediction[TaxonomyRank.Class].Probability);
    }

    [Fact]
    public void Predicting_from_logits_applies_softmax_per_rank_and_keeps_the_embedding()
    {
        using var scope = torch.NewDisposeScope();
        var predictor = new TaxonomyPredictor(Labels);
        var lower = torch.tensor(new float[] { 0, 0, (float)Math.Log(2), 5, 0, 0 }, [2, 3]);
        var logits = new[] { torch.tensor(new float[] { 0, 0, 3, 0 }, [2, 2]), lower, lower, lower, lower, lower, lower };
        var pooled = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        var predictions = predictor.Predict(logits, pooled);
        Assert.Equal(2, predictions.Count);
        Assert.Equal(0.5f, predictions[0][TaxonomyRank.Kingdom].Probability, 6);
        Assert.Equal("B1", predictions[0][TaxonomyRank.Phylum].Label);
        Assert.Equal(0.5f, predictions[0][TaxonomyRank.Phylum].Probability, 6);
        Assert.Equal("A", predictions[1][TaxonomyRank.Kingdom].Label);
        Assert.Equal((float)(Math.Exp(3) / (Math.Exp(3) + 1)), predictions[1][TaxonomyRank.Kingdom].Probability, 6);
        Assert.Equal([4f, 5f, 6f], predictions[1].Embedding.ToArray());
        Assert.Throws<ArgumentException>(() => predictor.Predict(logits.Take(6).ToArray()));
    }

    [Fact]
    public void The_confidence_floor_must_be_a_probability()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TaxonomyPredictorOptions { MinConfidence = 1.5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TaxonomyPredictorOptions { MinConfidence = double.NaN });
    }
}
