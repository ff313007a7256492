namespace Connectomics.Stores;

/// <summary>How a vector search measures distance, as LanceDB names them.</summary>
public enum VectorMetric
{
    /// <summary>Squared Euclidean distance (<c>l2</c>).</summary>
    L2,

    /// <summary>One minus the cosine similarity (<c>cosine</c>).</summary>
    Cosine,

    /// <summary>One minus the dot product (<c>dot</c>).</summary>
    Dot,
}
