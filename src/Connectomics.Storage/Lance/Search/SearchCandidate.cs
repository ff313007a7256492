namespace Connectomics.Storage.Lance.Search;

/// <summary>A row and its distance to the query; ordered by distance, then by row position (fragment, then row).</summary>
/// <param name="Distance">The distance.</param>
/// <param name="Fragment">The index of the fragment in the table's scan order.</param>
/// <param name="Batch">The batch of the fragment that holds the row.</param>
/// <param name="Row">The row's offset in its fragment.</param>
/// <param name="RowInBatch">The row's offset in its batch.</param>
internal readonly record struct SearchCandidate(float Distance, int Fragment, int Batch, long Row, int RowInBatch)
    : IComparable<SearchCandidate>
{
    /// <summary>Gets a copy of the row's vector, when the results include the vector column.</summary>
    public float[]? Vector { get; init; }

    public int CompareTo(SearchCandidate other)
    {
        var byDistance = Distance.CompareTo(other.Distance);
        if (byDistance != 0)
        {
            return byDistance;
        }

        var byFragment = Fragment.CompareTo(other.Fragment);
        return byFragment != 0 ? byFragment : Row.CompareTo(other.Row);
    }
}
