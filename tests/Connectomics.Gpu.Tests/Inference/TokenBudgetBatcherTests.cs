using Connectomics.Gpu.Inference;

namespace Connectomics.Gpu.Tests.Inference;

public sealed class TokenBudgetBatcherTests
{
    [Fact]
    public void Batches_respect_the_token_budget_and_size_and_cover_every_sequence_once()
    {
        var random = new Random(1);
        var lengths = Enumerable.Range(0, 500).Select(_ => random.Next(1, 300)).ToArray();
        var plan = TokenBudgetBatcher.Plan(lengths, maxBatchTokens: 2048, maxBatchSize: 16);

        Assert.Equal(Enumerable.Range(0, 500), plan.SelectMany(b => b).Order());
        foreach (var batch in plan)
        {
            Assert.InRange(batch.Length, 1, 16);
            Assert.True(batch.Length * batch.Max(i => lengths[i]) <= 2048);
        }
    }

    [Fact]
    public void A_sequence_longer_than_the_budget_forms_its_own_batch()
    {
        var plan = TokenBudgetBatcher.Plan([10, 5000, 10], maxBatchTokens: 100, maxBatchSize: 8);
        Assert.Equal([[1], [0, 2]], plan);
    }

    [Fact]
    public void Hand_computed_plan_and_padding_ratio()
    {
        int[] lengths = [3, 8, 5, 8, 2];
        var plan = TokenBudgetBatcher.Plan(lengths, maxBatchTokens: 16, maxBatchSize: 8);
        // Longest first (ties by index): 8, 8 | 5, 3, 2 (3 x 5 = 15 <= 16).
        Assert.Equal([[1, 3], [2, 0, 4]], plan);
        // Slots 16 + 15 = 31, real 26: padding 5 / 31.
        Assert.Equal(5.0 / 31, TokenBudgetBatcher.PaddingRatio(lengths, plan), 12);
    }

    [Fact]
    public void Padding_stays_under_five_percent_on_reads_of_150_to_1500_bp()
    {
        // 1 kb-scale reads of mixed length in NT tokens: 1 CLS + floor(L/6) six-mers + L mod 6 letters.
        var random = new Random(2);
        var lengths = Enumerable.Range(0, 4096).Select(_ =>
        {
            var bp = random.Next(150, 1501);
            return 1 + (bp / 6) + (bp % 6);
        }).ToArray();

        var plan = TokenBudgetBatcher.Plan(lengths, maxBatchTokens: 8192, maxBatchSize: 256);
        Assert.True(TokenBudgetBatcher.PaddingRatio(lengths, plan) <= 0.05);
    }
}
