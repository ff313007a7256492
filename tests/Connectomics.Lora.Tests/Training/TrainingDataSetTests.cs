using Connectomics.Gpu.Tokenization;
using Connectomics.Lora.Training;
using TorchSharp;

namespace Connectomics.Lora.Tests.Training;

public sealed class TrainingDataSetTests
{
    private static TrainingExample Example(string id, int length, long[]? labels = null) =>
        new(id, Enumerable.Range(3, length).ToArray(), labels);

    [Fact]
    public void Each_epoch_has_its_own_seeded_order_that_can_be_recomputed_alone()
    {
        var first = EpochShuffle.Order(50, seed: 7, epoch: 0);
        var second = EpochShuffle.Order(50, seed: 7, epoch: 1);
        Assert.Equal(Enumerable.Range(0, 50), first.Order());
        Assert.NotEqual(first, second);
        Assert.Equal(first, EpochShuffle.Order(50, seed: 7, epoch: 0));
        Assert.NotEqual(first, EpochShuffle.Order(50, seed: 8, epoch: 0));
    }

    [Fact]
    public void A_token_budget_cuts_batches_in_visiting_order_by_reads_times_longest_read()
    {
        var lengths = new[] { 10, 30, 20, 50, 5, 5, 5 };
        var sizing = new BatchSizing(BatchSize: 99, BatchTokens: 60);
        var batches = sizing.Cut([0, 1, 2, 3, 4, 5, 6], i => lengths[i]);

        // [10,30]: 2×30=60 fits; +20: 3×30=90 does not. [20]: +50 → 2×50=100 no. [50]: +5 → 2×50=100 no. [5,5,5]: 15.
        Assert.Equal([[0, 1], [2], [3], [4, 5, 6]], batches);
    }

    [Fact]
    public void A_read_longer_than_the_budget_forms_a_batch_alone_and_fixed_sizes_cut_by_count()
    {
        Assert.Equal([[0], [1, 2]], new BatchSizing(99, 8).Cut([0, 1, 2], i => i == 0 ? 20 : 4));
        Assert.Equal([[2, 0], [1]], new BatchSizing(2, null).Cut([2, 0, 1], _ => 4));
    }

    [Fact]
    public void Batches_are_right_padded_to_their_longest_read_with_a_mask_and_labels()
    {
        var labels = new long[] { 0, 1, 2, 3, 4, 5, -100 };
        var data = new TrainingDataSet([Example("a", 2, labels), Example("b", 4, labels)], new BatchSizing(2, null), seed: 0, padTokenId: 1);
        using var batch = data.Collate([0, 1], torch.CPU);

        Assert.Equal(new long[] { 2, 4 }, batch.InputIds.shape);
        Assert.Equal(new long[] { 3, 4, 1, 1, 3, 4, 5, 6 }, batch.InputIds.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 1, 0, 0, 1, 1, 1, 1 }, batch.AttentionMask.data<long>().ToArray());
        Assert.Equal(labels.Concat(labels), batch.Labels!.data<long>().ToArray());
        Assert.Equal(6, batch.TokenCount);
    }

    [Fact]
    public void The_fingerprint_follows_the_tokens_and_labels()
    {
        var sizing = new BatchSizing(2, null);
        var a = new TrainingDataSet([Example("a", 3, [0, 0, 0, 0, 0, 0, 0])], sizing, 0, 1);
        var same = new TrainingDataSet([Example("a", 3, [0, 0, 0, 0, 0, 0, 0])], sizing, 5, 1);
        var relabelled = new TrainingDataSet([Example("a", 3, [0, 0, 0, 0, 0, 0, 1])], sizing, 0, 1);
        var longer = new TrainingDataSet([Example("a", 4, [0, 0, 0, 0, 0, 0, 0])], sizing, 0, 1);
        Assert.Equal(a.Fingerprint, same.Fingerprint);
        Assert.NotEqual(a.Fingerprint, relabelled.Fingerprint);
        Assert.NotEqual(a.Fingerprint, longer.Fingerprint);
    }

    [Fact]
    public void Tokenizing_truncates_long_reads_and_refuses_empty_ones_naming_them()
    {
        var tokenizer = new NucleotideTokenizer(NucleotideVocabulary.V2);
        var examples = TrainingDataSet.Tokenize([("r1", new string('A', 600), null)], tokenizer, maxTokens: 10, "train.fasta");
        Assert.Equal(10, examples[0].TokenIds.Length);
        Assert.Equal(NucleotideVocabulary.V2.ClsTokenId, examples[0].TokenIds[0]);

        var error = Assert.Throws<ArgumentException>(() => TrainingDataSet.Tokenize([("r2", "", null)], tokenizer, 10, "train.fasta"));
        Assert.Contains("train.fasta", error.Message, StringComparison.Ordinal);
        Assert.Contains("'r2'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_seeded_split_is_reproducible_and_disjoint()
    {
        var reads = Enumerable.Range(0, 40).ToList();
        var (train, validation) = TrainingReads.Split(reads, 0.25, seed: 3);
        Assert.Equal(10, validation.Count);
        Assert.Empty(train.Intersect(validation));
        Assert.Equal(reads, train.Concat(validation).Order());
        Assert.Equal(validation, TrainingReads.Split(reads, 0.25, seed: 3).Validation);
        Assert.NotEqual(validation, TrainingReads.Split(reads, 0.25, seed: 4).Validation);
    }
}
