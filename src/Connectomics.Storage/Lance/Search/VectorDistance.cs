using System.Numerics.Tensors;

namespace Connectomics.Storage.Lance.Search;

/// <summary>Computes <see cref="DistanceMetric"/> distances with <see cref="TensorPrimitives"/>.</summary>
internal static class VectorDistance
{
    /// <summary>Computes the distance of one stored vector to the query.</summary>
    /// <param name="metric">The metric.</param>
    /// <param name="vector">The stored vector.</param>
    /// <param name="query">The query, of the same length.</param>
    /// <param name="scratch">Working space of the same length.</param>
    /// <returns>The distance; NaN when it is undefined (a zero-length vector under cosine, a NaN item).</returns>
    public static float Compute(DistanceMetric metric, ReadOnlySpan<float> vector, ReadOnlySpan<float> query, Span<float> scratch)
    {
        switch (metric)
        {
            case DistanceMetric.L2:
                TensorPrimitives.Subtract(vector, query, scratch);
                return TensorPrimitives.SumOfSquares(scratch);
            case DistanceMetric.Cosine:
                return 1f - TensorPrimitives.CosineSimilarity(vector, query);
            default:
                return 1f - TensorPrimitives.Dot(vector, query);
        }
    }
}
