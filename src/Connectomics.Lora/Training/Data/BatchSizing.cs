namespace Connectomics.Lora.Training;

/// <summary>How an epoch's shuffled reads are cut into batches.</summary>
/// <param name="BatchSize">Reads per batch when <paramref name="BatchTokens"/> is <see langword="null"/>.</param>
/// <param name="BatchTokens">A token budget: a batch takes reads in shuffled order while its read count times its
/// longest read (the padded size) stays within the budget; a read longer than the budget forms a batch alone.</param>
internal readonly record struct BatchSizing(int BatchSize, int? BatchTokens)
{
    /// <summary>Cuts an order of reads into batches.</summary>
    /// <param name="order">The reads' indices, in the order they are visited.</param>
    /// <param name="lengthOf">The token count of a read.</param>
    /// <returns>The batches, each a list of read indices.</returns>
    public IReadOnlyList<int[]> Cut(int[] order, Func<int, int> lengthOf)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(lengthOf);
        var batches = new List<int[]>();
        var current = new List<int>();
        var longest = 0;
        foreach (var index in order)
        {
            var length = lengthOf(index);
            var fits = BatchTokens is { } budget
                ? (long)(current.Count + 1) * Math.Max(longest, length) <= budget
                : current.Count < BatchSize;
            if (!fits && current.Count > 0)
            {
                batches.Add([.. current]);
                current.Clear();
                longest = 0;
            }

            current.Add(index);
            longest = Math.Max(longest, length);
        }

        if (current.Count > 0)
        {
            batches.Add([.. current]);
        }

        return batches;
    }
}
