using Connectomics.Volumes.Geometry;

namespace Connectomics.Volumes.Pipelines;

/// <summary>
/// One table row a block makes: the whole write box, one cell of it, or one point in it. The model pools the block's
/// per-voxel features over <see cref="Box"/> (mean, or max by option); for a point the box is the one voxel.
/// </summary>
/// <param name="Id">The row's id, unique in the table.</param>
/// <param name="Box">The voxels the row stands for, in volume coordinates, inside the block's write box.</param>
/// <param name="Filled">The share of the box's voxels that are not the fill value (0 to 1).</param>
public sealed record BlockRow(string Id, Box3 Box, float Filled)
{
    /// <summary>Gets the point a point row stands for, or null for a block or cell row.</summary>
    public Index3? Point { get; init; }

    /// <summary>Gets the point's other columns (from the points file), by column name; empty for other rows.</summary>
    public IReadOnlyDictionary<string, object?> Values { get; init; } = new Dictionary<string, object?>(StringComparer.Ordinal);
}
