namespace Connectomics.Storage.Lance.Search;

/// <summary>The <c>k</c> nearest candidates offered so far, kept in a bounded max-heap whose root is the worst kept.</summary>
internal sealed class NearestCandidates
{
    private static readonly Comparer<SearchCandidate> WorstFirst = Comparer<SearchCandidate>.Create((a, b) => b.CompareTo(a));

    private readonly int _capacity;
    private readonly PriorityQueue<SearchCandidate, SearchCandidate> _heap;

    public NearestCandidates(int capacity)
    {
        _capacity = capacity;
        _heap = new PriorityQueue<SearchCandidate, SearchCandidate>(Math.Min(capacity, 4096), WorstFirst);
    }

    /// <summary>Gets the distance a new candidate must beat (or tie, with an earlier position) to be kept.</summary>
    public float Bound => _heap.Count < _capacity ? float.PositiveInfinity : _heap.Peek().Distance;

    public void Offer(SearchCandidate candidate)
    {
        if (_heap.Count < _capacity)
        {
            _heap.Enqueue(candidate, candidate);
        }
        else if (candidate.CompareTo(_heap.Peek()) < 0)
        {
            _heap.DequeueEnqueue(candidate, candidate);
        }
    }

    public void AddTo(List<SearchCandidate> all) => all.AddRange(_heap.UnorderedItems.Select(item => item.Element));
}
