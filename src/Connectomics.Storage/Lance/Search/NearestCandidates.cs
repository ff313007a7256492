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

    /// <summary>Gets whether <see cref="Offer"/> would keep a candidate: the heap has room, or it is nearer than the worst kept.</summary>
    public bool Accepts(SearchCandidate candidate) => _heap.Count < _capacity || candidate.CompareTo(_heap.Peek()) < 0;

    /// <summary>Keeps a candidate if it is among the nearest so far, dropping the worst kept when full.</summary>
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
