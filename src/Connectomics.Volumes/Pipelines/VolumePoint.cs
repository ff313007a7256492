using Connectomics.Volumes.Geometry;

namespace Connectomics.Volumes.Pipelines;

/// <summary>A point of interest in a volume (a synapse, a soma centre) that a per-point pipeline embeds.</summary>
/// <param name="Id">The point's id, unique among the points; the row's id in the table.</param>
/// <param name="Voxel">The voxel the point lies in, <c>(z, y, x)</c> in the array's voxel coordinates.</param>
/// <param name="Values">The point's other values, by column name (the extra columns of the rows).</param>
public sealed record VolumePoint(string Id, Index3 Voxel, IReadOnlyDictionary<string, object?> Values)
{
    /// <summary>Initializes a point with no other values.</summary>
    /// <param name="id">The point's id.</param>
    /// <param name="voxel">The voxel the point lies in.</param>
    public VolumePoint(string id, Index3 voxel)
        : this(id, voxel, new Dictionary<string, object?>(StringComparer.Ordinal))
    {
    }
}
