using System.Globalization;

namespace Connectomics.Lora.Taxonomy.Baselines;

/// <summary>
/// The naive Bayesian classifier of the RDP method (Wang, Garrity, Tiedje and Cole, 2007): 8-mer word presence; for a
/// leaf taxon G (a genus, or a species when species are the leaves) of M training reads, word w has probability
/// P(w|G) = (m(w,G) + P_w) / (M + 1) with the prior P_w = (n(w) + 0.5) / (N + 1), where m(w,G) counts G's reads
/// holding w, n(w) all training reads holding w and N the training reads. A read goes to the leaf that maximises
/// Σ log P(w|G) over its words; its confidence at each rank is the share of bootstrap trials (each on |W|/8 of its
/// words drawn with replacement) whose winning leaf has the same name at that rank. Ranks are read off the leaf's
/// lineage (its most frequent one in training).
/// </summary>
/// <remarks>
/// Scores are kept sparse: Σ_w log P(w|G) = Σ_w log(P_w) − |W|·log(M+1) + Σ_{w: m(w,G)&gt;0} [log(m(w,G)+P_w) − log P_w];
/// the first term is the same for every leaf and is dropped. Not thread-safe (one scratch buffer per instance).
/// </remarks>
internal sealed class NaiveBayesKmerClassifier
{
    /// <summary>The word length of the RDP method.</summary>
    public const int WordLength = 8;

    private readonly TaxonomyPath[] _leafLineages;
    private readonly double[] _logSize;
    private readonly int[] _postingStart;
    private readonly int[] _postingLeaf;
    private readonly float[] _postingDelta;
    private readonly int _bootstraps;
    private readonly long _seed;
    private readonly double[] _scores;

    /// <summary>Trains on the reads named at <paramref name="leafRank"/>; others are left out.</summary>
    /// <param name="training">The training reads.</param>
    /// <param name="leafRank">The rank of the leaves (genus in the RDP method).</param>
    /// <param name="bootstraps">The bootstrap trials per read.</param>
    /// <param name="seed">The seed of the bootstrap draws.</param>
    public NaiveBayesKmerClassifier(IReadOnlyList<LabelledSequence> training, TaxonomyRank leafRank = TaxonomyRank.Genus, int bootstraps = 100, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentOutOfRangeException.ThrowIfNegative(bootstraps);
        _bootstraps = bootstraps;
        _seed = seed;
        LeafRank = leafRank;

        var leafIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineageCounts = new List<Dictionary<TaxonomyPath, int>>();
        var readWords = new List<(int Leaf, int[] Words)>();
        foreach (var read in training)
        {
            var leaf = read.Taxonomy[leafRank];
            if (leaf is null)
            {
                continue;
            }

            if (!leafIds.TryGetValue(leaf, out var id))
            {
                id = leafIds.Count;
                leafIds.Add(leaf, id);
                lineageCounts.Add([]);
            }

            var lineage = read.Taxonomy.TruncateAfter(leafRank);
            lineageCounts[id][lineage] = lineageCounts[id].GetValueOrDefault(lineage) + 1;
            readWords.Add((id, KmerWords.Distinct(read.Sequence, WordLength)));
        }

        if (leafIds.Count == 0)
        {
            throw new ArgumentException($"No training read is named at rank {leafRank}.", nameof(training));
        }

        var leaves = leafIds.Count;
        _leafLineages = lineageCounts
            .Select(counts => counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key.ToTaxonomyString(), StringComparer.Ordinal).First().Key)
            .ToArray();

        var wordCount = 1 << (2 * WordLength);
        var readsWithWord = new int[wordCount];
        var leafSize = new int[leaves];
        var perLeaf = new Dictionary<int, int>[leaves];
        for (var g = 0; g < leaves; g++)
        {
            perLeaf[g] = [];
        }

        foreach (var (leaf, words) in readWords)
        {
            leafSize[leaf]++;
            foreach (var w in words)
            {
                readsWithWord[w]++;
                perLeaf[leaf][w] = perLeaf[leaf].GetValueOrDefault(w) + 1;
            }
        }

        var total = readWords.Count;
        _logSize = leafSize.Select(m => Math.Log(m + 1.0)).ToArray();

        // Postings per word: (leaf, log(m + P_w) − log P_w) for the leaves whose reads hold it.
        var postingCount = new int[wordCount + 1];
        for (var g = 0; g < leaves; g++)
        {
            foreach (var w in perLeaf[g].Keys)
            {
                postingCount[w + 1]++;
            }
        }

        for (var w = 0; w < wordCount; w++)
        {
            postingCount[w + 1] += postingCount[w];
        }

        _postingStart = postingCount;
        _postingLeaf = new int[postingCount[wordCount]];
        _postingDelta = new float[postingCount[wordCount]];
        var fill = (int[])postingCount.Clone();
        for (var g = 0; g < leaves; g++)
        {
            foreach (var (w, m) in perLeaf[g])
            {
                var prior = (readsWithWord[w] + 0.5) / (total + 1.0);
                var slot = fill[w]++;
                _postingLeaf[slot] = g;
                _postingDelta[slot] = (float)(Math.Log(m + prior) - Math.Log(prior));
            }
        }

        _scores = new double[leaves];
    }

    /// <summary>Gets the rank of the leaves.</summary>
    public TaxonomyRank LeafRank { get; }

    /// <summary>Gets the number of leaf taxa.</summary>
    public int LeafCount => _leafLineages.Length;

    /// <summary>Classifies a read.</summary>
    /// <param name="sequence">The read.</param>
    /// <param name="minConfidence">The bootstrap confidence a rank needs to be assigned (RDP uses 0.8); lower ranks
    /// follow an unassigned one.</param>
    /// <returns>The lineage down to the leaf rank, with confidences.</returns>
    public BaselinePrediction Classify(string sequence, double minConfidence = 0)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        var words = KmerWords.Distinct(sequence, WordLength);
        var confidence = new double[TaxonomyPath.RankCount];
        if (words.Length == 0)
        {
            return new BaselinePrediction(TaxonomyPath.Empty, confidence);
        }

        var best = Best(words, words.Length);
        var lineage = _leafLineages[best];
        if (_bootstraps == 0)
        {
            Array.Fill(confidence, 1.0);
        }
        else
        {
            var random = new Random(unchecked((int)_seed));
            var sampleSize = Math.Max(1, words.Length / 8);
            var sample = new int[sampleSize];
            var agree = new int[TaxonomyPath.RankCount];
            for (var trial = 0; trial < _bootstraps; trial++)
            {
                for (var i = 0; i < sampleSize; i++)
                {
                    sample[i] = words[random.Next(words.Length)];
                }

                var winner = _leafLineages[Best(sample, sampleSize)];
                for (var r = 0; r < TaxonomyPath.RankCount; r++)
                {
                    if (lineage.Names[r] is not null && string.Equals(lineage.Names[r], winner.Names[r], StringComparison.Ordinal))
                    {
                        agree[r]++;
                    }
                }
            }

            for (var r = 0; r < TaxonomyPath.RankCount; r++)
            {
                confidence[r] = (double)agree[r] / _bootstraps;
            }
        }

        var names = new string?[TaxonomyPath.RankCount];
        for (var r = 0; r < TaxonomyPath.RankCount; r++)
        {
            if (confidence[r] < minConfidence)
            {
                break;
            }

            names[r] = lineage.Names[r];
        }

        return new BaselinePrediction(new TaxonomyPath(names), confidence);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"RDP naive Bayes, {LeafCount} {LeafRank} leaves, {_bootstraps} bootstraps");

    private int Best(int[] words, int count)
    {
        for (var g = 0; g < _scores.Length; g++)
        {
            _scores[g] = -count * _logSize[g];
        }

        for (var i = 0; i < count; i++)
        {
            var w = words[i];
            for (var slot = _postingStart[w]; slot < _postingStart[w + 1]; slot++)
            {
                _scores[_postingLeaf[slot]] += _postingDelta[slot];
            }
        }

        var best = 0;
        for (var g = 1; g < _scores.Length; g++)
        {
            if (_scores[g] > _scores[best])
            {
                best = g;
            }
        }

        return best;
    }
}
