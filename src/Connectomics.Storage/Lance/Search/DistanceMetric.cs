namespace Connectomics.Storage.Lance.Search;

/// <summary>How <see cref="VectorQuery"/> measures the distance between the query and a stored vector; smaller is nearer.</summary>
/// <remarks>The values are the ones LanceDB reports in <c>_distance</c> for the same <c>distanceType</c>.</remarks>
public enum DistanceMetric
{
    /// <summary>The squared Euclidean distance, Σ(xᵢ − qᵢ)² (no square root, as LanceDB reports it).</summary>
    L2,

    /// <summary>One minus the cosine similarity, 1 − x·q / (‖x‖‖q‖); rows whose vector has zero length have no distance and are skipped.</summary>
    Cosine,

    /// <summary>One minus the dot product, 1 − x·q (LanceDB's <c>dot</c>; the largest dot product is nearest).</summary>
    Dot,
}
