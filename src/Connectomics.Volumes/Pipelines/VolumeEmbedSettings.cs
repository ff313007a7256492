using Connectomics.Stores;
using Connectomics.Volumes.Geometry;

namespace Connectomics.Volumes.Pipelines;

/// <summary>
/// How a volume pipeline embeds blocks: how voxels are normalised and what a row stands for (a block, a cell of a grid,
/// a point). Set fluently in <see cref="VolumePipelineBuilder.Embed(IVolumeEmbeddingModel, Action{VolumeEmbedSettings})"/>.
/// </summary>
/// <remarks>
/// Without <see cref="Normalize"/> the normalisation comes from the array (<see cref="NormalizationResolver"/>):
/// unsigned integers are divided by their type's largest value (to [0, 1]); signed integers and floating-point values
/// map their 1st and 99th percentiles, sampled from the array, to 0 and 1.
/// </remarks>
public sealed class VolumeEmbedSettings
{
    /// <summary>Gets the explicit normalisation, or null for the default one.</summary>
    public VoxelNormalization? Normalization { get; private set; }

    /// <summary>Gets what a row stands for.</summary>
    /// <value>The default value is <see cref="RowGranularity.Block"/>.</value>
    public RowGranularity Granularity { get; private set; } = RowGranularity.Block;

    /// <summary>Gets the cell size for <see cref="RowGranularity.Cell"/>.</summary>
    public Index3 CellSize { get; private set; }

    /// <summary>Gets the points for <see cref="RowGranularity.Point"/>, in input order.</summary>
    public IReadOnlyList<VolumePoint> Points { get; private set; } = [];

    /// <summary>Gets the points' extra columns, copied into each point row from <see cref="VolumePoint.Values"/>.</summary>
    public IReadOnlyList<RecordColumn> PointColumns { get; private set; } = [];

    /// <summary>Normalises voxels as <c>value × scale + shift</c>.</summary>
    /// <param name="scale">The scale, finite and non-zero.</param>
    /// <param name="shift">The shift, finite.</param>
    /// <returns>These settings.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The scale or shift is not finite, or the scale is zero.</exception>
    public VolumeEmbedSettings Normalize(float scale, float shift)
    {
        Normalization = VoxelNormalization.Explicit(scale, shift);
        return this;
    }

    /// <summary>Makes one row per block (the default).</summary>
    /// <returns>These settings.</returns>
    public VolumeEmbedSettings PerBlock()
    {
        Granularity = RowGranularity.Block;
        return this;
    }

    /// <summary>Makes one row per cube of <paramref name="size"/> voxels cut from each block's write box.</summary>
    /// <param name="size">The cell's extent on every axis.</param>
    /// <returns>These settings.</returns>
    public VolumeEmbedSettings PerCell(long size) => PerCell(Index3.All(size));

    /// <summary>
    /// Makes one row per cell of <paramref name="size"/> cut from each block's write box, from its start; the last cell on
    /// an axis is cut at the write box's edge.
    /// </summary>
    /// <param name="size">The cell's extent, at least 1 on every axis.</param>
    /// <returns>These settings.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An extent is below 1.</exception>
    public VolumeEmbedSettings PerCell(Index3 size)
    {
        if (size.Z < 1 || size.Y < 1 || size.X < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "A cell is at least one voxel on every axis.");
        }

        Granularity = RowGranularity.Cell;
        CellSize = size;
        return this;
    }

    /// <summary>
    /// Makes one row per point; a block makes rows for the points in its write box, in input order, and a block with
    /// none is skipped.
    /// </summary>
    /// <param name="points">The points; ids unique, voxels inside the volume (checked when the pipeline is built).</param>
    /// <param name="columns">The points' extra columns, taken from <see cref="VolumePoint.Values"/>; none when null.</param>
    /// <returns>These settings.</returns>
    public VolumeEmbedSettings PerPoints(IEnumerable<VolumePoint> points, IReadOnlyList<RecordColumn>? columns = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        Granularity = RowGranularity.Point;
        Points = [.. points];
        PointColumns = [.. columns ?? []];
        return this;
    }
}
