using Connectomics.Embeddings;

namespace Connectomics.Pipelines.Engine;

/// <summary>
/// Splits a chunk's inputs into groups of at most a token budget (an input larger than the budget goes alone), taking
/// them in order of cost (ties in chunk order): each call into the model then holds inputs of about one length, which
/// the model pads to the longest of a batch. Taken in chunk order, random read lengths (150-1000 nt) gave 27% of the
/// computed tokens to padding, 9% in order of cost, against 2% when the model batches the same reads itself
/// (docs/benchmarks.md). Depends only on the inputs' costs, so equal chunks give equal calls into the model.
/// </summary>
internal static class TokenBudgetGroups
{
    /// <summary>Groups <paramref name="indices"/> (into <paramref name="inputs"/>) by cost.</summary>
    public static List<List<int>> Split(IReadOnlyList<int> indices, IReadOnlyList<PreparedInput?> inputs, int budget)
    {
        var groups = new List<List<int>>();
        var current = new List<int>();
        long cost = 0;
        // OrderBy is stable: inputs of equal cost keep their chunk order.
        foreach (var index in indices.OrderBy(i => inputs[i]!.Cost))
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
