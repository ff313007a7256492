namespace Connectomics.Gpu.Volumes;

/// <summary>Takes the features of a block's tiles as the network computes them, one tile at a time.</summary>
internal interface ITileFeatureSink
{
    /// <summary>Takes one tile's features.</summary>
    /// <param name="features">The features <c>[D, z, y, x]</c> over <see cref="WriteBoxTile.Computed"/>, valid during
    /// the call only.</param>
    /// <param name="tile">The tile.</param>
    void Add(ReadOnlySpan<float> features, WriteBoxTile tile);
}
