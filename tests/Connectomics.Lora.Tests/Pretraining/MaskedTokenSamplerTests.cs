using System.ComponentModel.DataAnnotations;
using Connectomics.Gpu.Tokenization;
using Connectomics.Lora.Pretraining;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Lora.Tests.Pretraining;

public sealed class MaskedTokenSamplerTests
{
    private const long Ignore = MaskedLanguageModelLoss.IgnoreIndex;

    [Fact]
    public void On_a_large_batch_the_selection_and_replacement_rates_are_within_tight_binomial_bounds()
    {
        var vocabulary = NucleotideVocabulary.V2;
        var (ids, mask, eligible) = RandomBatch(vocabulary, rows: 128, columns: 1024, seed: 7);
        using var sampler = new MaskedTokenSampler(vocabulary, seed: 11);
        using var batch = sampler.Mask(torch.tensor(ids, 128, 1024), torch.tensor(mask, 128, 1024));
        var inputs = batch.InputIds.data<long>().ToArray();
        var labels = batch.Labels.data<long>().ToArray();

        long selected = 0, masked = 0, kept = 0, changed = 0;
        double randomSum = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            if (labels[i] == Ignore)
            {
                continue;
            }

            selected++;
            if (inputs[i] == vocabulary.MaskTokenId)
            {
                masked++;
            }
            else if (inputs[i] == ids[i])
            {
                kept++;
            }
            else
            {
                changed++;
                randomSum += inputs[i];
            }
        }

        Assert.Equal(selected, batch.SelectedTokens);
        AssertWithinBinomialBounds(selected, eligible, 0.15, "selected among eligible");

        // A random draw may hit the original id (kept) or the mask id (counted as masked); both are 1 in 4107.
        var v = (double)vocabulary.EmbeddingSize;
        AssertWithinBinomialBounds(masked, selected, 0.8 + (0.1 / v), "masked among selected");
        AssertWithinBinomialBounds(kept, selected, 0.1 + (0.1 / v), "kept among selected");
        AssertWithinBinomialBounds(changed, selected, 0.1 * (1 - (2 / v)), "random among selected");

        // Random ids are uniform over the whole embedding table: their mean is (V - 1) / 2 within 5 standard errors.
        var mean = randomSum / changed;
        var standardError = Math.Sqrt(((v * v) - 1) / 12 / changed);
        Assert.InRange(mean, ((v - 1) / 2) - (5 * standardError), ((v - 1) / 2) + (5 * standardError));
        Assert.All(inputs, id => Assert.InRange(id, 0, vocabulary.EmbeddingSize - 1));
    }

    [Fact]
    public void Special_tokens_and_padding_are_never_selected()
    {
        var vocabulary = NucleotideVocabulary.V2;
        using var sampler = new MaskedTokenSampler(vocabulary, new MaskedTokenSamplerOptions { SelectionProbability = 1.0 }, seed: 3);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5 }, sampler.SpecialTokenIds);

        // Every special id (unk, pad, mask, cls, eos, bos), a k-mer after them, and k-mers under attention-mask 0.
        long[] row = [0, 1, 2, 3, 4, 5, 100, 200, 300];
        long[] rowMask = [1, 1, 1, 1, 1, 1, 1, 0, 0];
        using var batch = sampler.Mask(torch.tensor(row).unsqueeze(0), torch.tensor(rowMask).unsqueeze(0));
        var labels = batch.Labels.data<long>().ToArray();
        Assert.Equal(new long[] { Ignore, Ignore, Ignore, Ignore, Ignore, Ignore, 100, Ignore, Ignore }, labels);
        Assert.Equal(1, batch.SelectedTokens);
        var inputs = batch.InputIds.data<long>().ToArray();
        Assert.Equal(row.Take(6).Concat(row.Skip(7)), inputs.Take(6).Concat(inputs.Skip(7)));
    }

    [Fact]
    public void A_v1_vocabulary_never_selects_its_specials_and_draws_random_ids_only_from_rows_of_its_embedding()
    {
        var vocabulary = NucleotideVocabulary.V1;
        using var sampler = new MaskedTokenSampler(
            vocabulary,
            new MaskedTokenSamplerOptions { SelectionProbability = 1.0, MaskReplacementProbability = 0.0, RandomReplacementProbability = 1.0 },
            seed: 5);
        Assert.Equal(4105, sampler.RandomTokenCount);
        var (ids, mask, eligible) = RandomBatch(vocabulary, rows: 16, columns: 512, seed: 9);
        using var batch = sampler.Mask(torch.tensor(ids, 16, 512), torch.tensor(mask, 16, 512));
        Assert.Equal(eligible, batch.SelectedTokens);
        var inputs = batch.InputIds.data<long>().ToArray();
        Assert.All(inputs, id => Assert.InRange(id, 0, 4104));
        var labels = batch.Labels.data<long>().ToArray();
        for (var i = 0; i < ids.Length; i++)
        {
            Assert.Equal(mask[i] == 1 && ids[i] > 3 ? ids[i] : Ignore, labels[i]);
        }
    }

    [Fact]
    public void Labels_are_minus_100_exactly_where_no_token_was_selected_and_the_original_id_where_one_was()
    {
        var vocabulary = NucleotideVocabulary.V2;
        var (ids, mask, _) = RandomBatch(vocabulary, rows: 32, columns: 256, seed: 21);
        using var sampler = new MaskedTokenSampler(vocabulary, seed: 4);
        using var original = torch.tensor(ids, 32, 256);
        using var batch = sampler.Mask(original, torch.tensor(mask, 32, 256));

        // The sampler leaves its input alone.
        Assert.Equal(ids, original.data<long>().ToArray());
        var inputs = batch.InputIds.data<long>().ToArray();
        var labels = batch.Labels.data<long>().ToArray();
        var selected = 0;
        for (var i = 0; i < ids.Length; i++)
        {
            if (labels[i] != Ignore)
            {
                selected++;
                Assert.Equal(ids[i], labels[i]);
                Assert.True(mask[i] == 1 && ids[i] > 5);
            }
            else
            {
                // Not selected: the input is untouched.
                Assert.Equal(ids[i], inputs[i]);
            }
        }

        Assert.Equal(selected, batch.SelectedTokens);
        Assert.True(selected > 0);
        Assert.Equal(mask, batch.AttentionMask.data<long>().ToArray());
    }

    [Fact]
    public void The_same_seed_gives_the_same_masks_and_a_restored_state_continues_the_same_sequence()
    {
        var vocabulary = NucleotideVocabulary.V2;
        var (ids, mask, _) = RandomBatch(vocabulary, rows: 8, columns: 128, seed: 2);
        using var idsTensor = torch.tensor(ids, 8, 128);
        using var maskTensor = torch.tensor(mask, 8, 128);

        using var first = new MaskedTokenSampler(vocabulary, seed: 42);
        using var second = new MaskedTokenSampler(vocabulary, seed: 42);
        using var other = new MaskedTokenSampler(vocabulary, seed: 43);
        using var a = first.Mask(idsTensor, maskTensor);
        using var b = second.Mask(idsTensor, maskTensor);
        using var c = other.Mask(idsTensor, maskTensor);
        Assert.True(Same(a.InputIds, b.InputIds));
        Assert.True(Same(a.Labels, b.Labels));
        Assert.False(Same(a.Labels, c.Labels));

        var state = first.GetState();
        using var next = first.Mask(idsTensor, maskTensor);
        Assert.False(Same(next.Labels, a.Labels));
        using var fresh = new MaskedTokenSampler(vocabulary, seed: 0);
        fresh.SetState(state);
        using var replay = fresh.Mask(idsTensor, maskTensor);
        Assert.True(Same(next.InputIds, replay.InputIds));
        Assert.True(Same(next.Labels, replay.Labels));

        Assert.Throws<ArgumentException>(() => fresh.SetState(state.AsSpan(1)));
    }

    [Fact]
    public void The_replacement_options_are_honoured_at_their_extremes()
    {
        var vocabulary = NucleotideVocabulary.V2;
        var (ids, mask, eligible) = RandomBatch(vocabulary, rows: 8, columns: 128, seed: 5);
        using var allMasked = new MaskedTokenSampler(vocabulary, new MaskedTokenSamplerOptions { SelectionProbability = 1.0, MaskReplacementProbability = 1.0, RandomReplacementProbability = 0.0 });
        using var a = allMasked.Mask(torch.tensor(ids, 8, 128), torch.tensor(mask, 8, 128));
        Assert.Equal(eligible, a.SelectedTokens);
        var inputs = a.InputIds.data<long>().ToArray();
        var labels = a.Labels.data<long>().ToArray();
        for (var i = 0; i < ids.Length; i++)
        {
            Assert.Equal(labels[i] == Ignore ? ids[i] : vocabulary.MaskTokenId, inputs[i]);
        }

        using var allKept = new MaskedTokenSampler(vocabulary, new MaskedTokenSamplerOptions { SelectionProbability = 1.0, MaskReplacementProbability = 0.0, RandomReplacementProbability = 0.0 });
        using var b = allKept.Mask(torch.tensor(ids, 8, 128), torch.tensor(mask, 8, 128));
        Assert.Equal(ids, b.InputIds.data<long>().ToArray());
        Assert.Equal(eligible, b.SelectedTokens);

        using var none = new MaskedTokenSampler(vocabulary, new MaskedTokenSamplerOptions { SelectionProbability = 0.0 });
        using var c = none.Mask(torch.tensor(ids, 8, 128), torch.tensor(mask, 8, 128));
        Assert.Equal(0, c.SelectedTokens);
        Assert.Equal(ids, c.InputIds.data<long>().ToArray());
    }

    [Fact]
    public void Invalid_options_and_inputs_are_refused_with_every_reason()
    {
        var error = Assert.Throws<ValidationException>(() => new MaskedTokenSampler(
            NucleotideVocabulary.V2,
            new MaskedTokenSamplerOptions { SelectionProbability = 1.5, MaskReplacementProbability = 0.9, RandomReplacementProbability = 0.2 }));
        Assert.Contains(nameof(MaskedTokenSamplerOptions), error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(MaskedTokenSamplerOptions.SelectionProbability), error.Message, StringComparison.Ordinal);
        Assert.Contains("exceeds 1", error.Message, StringComparison.Ordinal);
        Assert.Throws<ValidationException>(() => new MaskedTokenSampler(NucleotideVocabulary.V2, new MaskedTokenSamplerOptions { SelectionProbability = double.NaN }));

        using var sampler = new MaskedTokenSampler(NucleotideVocabulary.V2);
        Assert.Throws<ArgumentException>(() => sampler.Mask(torch.ones(4, ScalarType.Int64), torch.ones(4, ScalarType.Int64)));
        Assert.Throws<ArgumentException>(() => sampler.Mask(torch.ones(2, 4, ScalarType.Int64), torch.ones(2, 5, ScalarType.Int64)));
        Assert.Throws<ArgumentException>(() => sampler.Mask(torch.ones(2, 4, ScalarType.Int32), torch.ones(2, 4, ScalarType.Int64)));
    }

    private static bool Same(Tensor left, Tensor right) => left.data<long>().ToArray().SequenceEqual(right.data<long>().ToArray());

    private static void AssertWithinBinomialBounds(long successes, long trials, double p, string what)
    {
        var rate = (double)successes / trials;
        var sigma = Math.Sqrt(p * (1 - p) / trials);
        Assert.True(Math.Abs(rate - p) <= 5 * sigma, $"{what}: {rate:F5} over {trials} trials, expected {p:F5} ± {5 * sigma:F5}");
    }

    /// <summary>Rows that start with cls, hold k-mer ids with a sprinkling of specials, and end in padding of varying
    /// length; returns the ids, the mask and the number of eligible (non-special, unpadded) tokens.</summary>
    private static (long[] Ids, long[] Mask, long Eligible) RandomBatch(NucleotideVocabulary vocabulary, int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var ids = new long[rows * columns];
        var mask = new long[rows * columns];
        long eligible = 0;
        var firstKmer = vocabulary.Ids["AAAAAA"];
        for (var r = 0; r < rows; r++)
        {
            var length = random.Next(columns / 2, columns + 1);
            for (var c = 0; c < columns; c++)
            {
                var i = (r * columns) + c;
                if (c >= length)
                {
                    ids[i] = vocabulary.PadTokenId;
                    continue;
                }

                mask[i] = 1;
                ids[i] = c == 0 ? vocabulary.ClsTokenId
                    : random.NextDouble() < 0.02 ? vocabulary.UnkTokenId
                    : firstKmer + random.Next(4096 + 5);
                if (ids[i] >= firstKmer)
                {
                    eligible++;
                }
            }
        }

        return (ids, mask, eligible);
    }
}
