namespace Connectomics.Gpu.Inference;

/// <summary>
/// Packs token sequences into device batches under a token budget, longest first, so that sequences of similar
/// length share a batch and little compute is spent on padding.
/// </summary>
internal static class TokenBudgetBatcher
{
    /// <summary>Plans the batches.</summary>
    /// <param name="lengths">The token count of each sequence (index = sequence).</param>
    /// <param name="maxBatchTokens">The most sequences × padded length per batch.</param>
    /// <param name="maxBatchSize">The most sequences per batch.</param>
    /// <returns>Each batch as the indices of its sequences, longest first.</returns>
    public static List<int[]> Plan(IReadOnlyList<int> lengths, int maxBatchTokens, int maxBatchSize)
    {
        var order = Enumerable.Range(0, lengths.Count).OrderByDescending(i => lengths[i]).ThenBy(i => i).ToArray();
        var batches = new List<int[]>();
        var current = new List<int>();
        var padded = 0;
        foreach (var index in order)
        {
            // Sorted descending: the first sequence of a batch sets its padded length.
            if (current.Count > 0 && ((current.Count + 1) * (long)padded > maxBatchTokens || current.Count == maxBatchSize))
            {
                batches.Add([.. current]);
                current.Clear();
            }

            if (current.Count == 0)
            {
                padded = lengths[index];
            }

            current.Add(index);
        }

        if (current.Count > 0)
        {
            batches.Add([.. current]);
        }

        return batches;
    }

    /// <summary>The share of padded token slots in a plan: padding / (padding + real tokens).</summary>
    /// <param name="lengths">The token counts.</param>
    /// <param name="batches">The plan.</param>
    /// <returns>The padding ratio in [0, 1).</returns>
    public static double PaddingRatio(IReadOnlyList<int> lengths, IEnumerable<int[]> batches)
    {
        long real = 0, slots = 0;
        foreach (var batch in batches)
        {
            var max = batch.Max(i => lengths[i]);
            slots += (long)max * batch.Length;
            real += batch.Sum(i => (long)lengths[i]);
        }

        return slots == 0 ? 0 : (double)(slots - real) / slots;
    }
}
