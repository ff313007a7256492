using Connectomics.Embeddings;

namespace Connectomics.Pipelines.Engine;

/// <summary>
/// Splits a chunk's inputs into consecutive groups of at most a token budget (an input larger than the budget goes
/// alone). Depends only on the inputs' costs, so equal chunks give equal calls into the model.
/// </summary>
internal static class TokenBudgetGroups
{
    /// <summary>Groups <paramref name="indices"/> (into <paramref name="inputs"/>) by cost.</summary>
    public static List<List<int>> Split(IReadOnlyList<int> indices, IReadOnlyList<PreparedInput?> inputs, int budget)
    {
        var groups = new List<List<int>>();
        var current = new List<int>();
        long cost = 0;
        foreach (var index in indices)
        {
            var next = inputs[index]!.Cost;
            if (current.Count > 0 && cost + next > budget)
            {
                groups.Add(current);
                current = [];
                cost = 0;
            }

            current.Add(index);
            cost += next;
        }

        if (current.Count > 0)
        {
            groups.Add(current);
        }

        return groups;
    }
}
