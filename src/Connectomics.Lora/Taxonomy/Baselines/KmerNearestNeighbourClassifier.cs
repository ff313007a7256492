using System.Globalization;

namespace Connectomics.Lora.Taxonomy.Baselines;

/// <summary>
/// A k-mer nearest-neighbour classifier: a read takes the lineage of the training read whose set of distinct k-mers
/// is most similar by Jaccard index |A∩B| / |A∪B| (ties go to the earlier training read). Intersections are counted
/// through an inverted index from word to training reads.
/// </summary>
/// <remarks>Not thread-safe (one scratch buffer per instance).</remarks>
internal sealed class KmerNearestNeighbourClassifier
{
    private readonly TaxonomyPath[] _lineages;
    private readonly int[] _sizes;
    private readonly int[] _postingStart;
    private readonly int[] _postingRead;
    private readonly int[] _shared;
    private readonly int _wordLength;

    /// <summary>Indexes the training reads that name at least one rank.</summary>
    /// <param name="training">The training reads.</param>
    /// <param name="wordLength">The k-mer length.</param>
    public KmerNearestNeighbourClassifier(IReadOnlyList<LabelledSequence> training, int wordLength = 8)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentOutOfRangeException.ThrowIfLessThan(wordLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(wordLength, 12);
        _wordLength = wordLength;
        var kept = training.Where(r => !r.Taxonomy.IsEmpty).ToArray();
        if (kept.Length == 0)
        {
            throw new ArgumentException("No training read names any rank.", nameof(training));
        }

        _lineages = kept.Select(r => r.Taxonomy).ToArray();
        var words = kept.Select(r => KmerWords.Distinct(r.Sequence, wordLength)).ToArray();
        _sizes = words.Select(w => w.Length).ToArray();
        var wordCount = 1 << (2 * wordLength);
        var start = new int[wordCount + 1];
        foreach (var set in words)
        {
            foreach (var w in set)
            {
                start[w + 1]++;
            }
        }

        for (var w = 0; w < wordCount; w++)
        {
            start[w + 1] += start[w];
        }

        _postingStart = start;
        _postingRead = new int[start[wordCount]];
        var fill = (int[])start.Clone();
        for (var i = 0; i < words.Length; i++)
        {
            foreach (var w in words[i])
            {
                _postingRead[fill[w]++] = i;
            }
        }

        _shared = new int[kept.Length];
    }

    /// <summary>Gets the number of indexed training reads.</summary>
    public int Count => _lineages.Length;

    /// <summary>Classifies a read by its nearest training read.</summary>
    /// <param name="sequence">The read.</param>
    /// <returns>The neighbour's lineage; every rank's confidence is the Jaccard index.</returns>
    public BaselinePrediction Classify(string sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        var words = KmerWords.Distinct(sequence, _wordLength);
        Array.Clear(_shared);
        foreach (var w in words)
        {
            for (var slot = _postingStart[w]; slot < _postingStart[w + 1]; slot++)
            {
                _shared[_postingRead[slot]]++;
            }
        }

        var best = -1;
        var bestScore = -1.0;
        for (var i = 0; i < _shared.Length; i++)
        {
            var union = words.Length + _sizes[i] - _shared[i];
            var score = union == 0 ? 0 : (double)_shared[i] / union;
            if (score > bestScore)
            {
                bestScore = score;
                best = i;
            }
        }

        return new BaselinePrediction(_lineages[best], Enumerable.Repeat(bestScore, TaxonomyPath.RankCount).ToArray());
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_wordLength}-mer Jaccard nearest neighbour over {Count} reads");
}
