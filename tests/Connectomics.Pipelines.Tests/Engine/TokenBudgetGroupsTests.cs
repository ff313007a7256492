using Connectomics.Embeddings;
using Connectomics.Pipelines.Engine;

namespace Connectomics.Pipelines.Tests.Engine;

public sealed class TokenBudgetGroupsTests
{
    private static PreparedInput Input(int cost) => PreparedInput.Usable(cost, cost, 0);

    [Fact]
    public void Inputs_are_grouped_in_order_of_cost_so_that_each_call_holds_one_length()
    {
        // Chunk order alternates long and short reads; by cost the budget of 12 takes the four 1s, then 10, then 10.
        PreparedInput?[] inputs = [Input(10), Input(1), Input(10), Input(1), Input(1), Input(1)];

        var groups = TokenBudgetGroups.Split([0, 1, 2, 3, 4, 5], inputs, 12);

        Assert.Equal([[1, 3, 4, 5], [0], [2]], groups);
    }

    [Fact]
    public void Equal_costs_keep_chunk_order_and_skipped_indices_stay_out()
    {
        PreparedInput?[] inputs = [Input(3), null, Input(2), Input(3), Input(2)];

        var groups = TokenBudgetGroups.Split([4, 3, 2, 0], inputs, 5);

        Assert.Equal([[4, 2], [3], [0]], groups);
    }

    [Fact]
    public void An_input_over_the_budget_goes_alone()
    {
        PreparedInput?[] inputs = [Input(2), Input(50), Input(2)];

        var groups = TokenBudgetGroups.Split([0, 1, 2], inputs, 10);

        Assert.Equal([[0, 2], [1]], groups);
    }
}
