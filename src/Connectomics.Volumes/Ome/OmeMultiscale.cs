namespace Connectomics.Volumes.Ome;

/// <summary>
/// One OME-Zarr multiscale image (an entry of <c>multiscales</c>): its axes and its levels, finest first, each with
/// the coordinate transformations that give its voxel size.
/// </summary>
public sealed record OmeMultiscale
{
    /// <summary>Gets the OME-Zarr version the metadata was written in (<c>0.4</c>, <c>0.5</c>, or what an older file says).</summary>
    public required string Version { get; init; }

    /// <summary>Gets the image's name, or <see langword="null"/> when the metadata gives none.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the downsampling method's name (<c>type</c>, e.g. <c>gaussian</c>, <c>mean</c>), or <see langword="null"/>.</summary>
    public string? Type { get; init; }

    /// <summary>Gets the axes, in array order.</summary>
    public required IReadOnlyList<OmeAxis> Axes { get; init; }

    /// <summary>Gets the levels, finest first.</summary>
    public required IReadOnlyList<OmeDataset> Datasets { get; init; }

    /// <summary>Gets the multiscale-wide <c>scale</c> applied after every dataset's own, or <see langword="null"/>.</summary>
    public IReadOnlyList<double>? Scale { get; init; }

    /// <summary>Gets the multiscale-wide <c>translation</c> applied after every dataset's own, or <see langword="null"/>.</summary>
    public IReadOnlyList<double>? Translation { get; init; }

    /// <summary>
    /// Gets the voxel size of a level along its spatial axes: the dataset's scale times the multiscale-wide scale,
    /// converted to nanometres when every spatial axis has a known length unit. Without such units the scale is given
    /// as written, in the axes' common unit (or <c>unspecified</c>).
    /// </summary>
    /// <param name="level">The level (index into <see cref="Datasets"/>).</param>
    /// <returns>The size along z, y and x (1 for an axis the image lacks), and its unit.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is not a level.</exception>
    public (double Z, double Y, double X, string Unit) VoxelSizeOf(int level)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(level, Datasets.Count);
        var dataset = Datasets[level];
        var spatial = new List<(double Size, string? Unit)>();
        for (var axis = 0; axis < Axes.Count; axis++)
        {
            if (Axes[axis].IsSpatial)
            {
                spatial.Add((dataset.Scale[axis] * (Scale?[axis] ?? 1), Axes[axis].Unit));
            }
        }

        string unit;
        if (spatial.Count > 0 && spatial.TrueForAll(s => OmeLengthUnit.TryGetNanometres(s.Unit, out _)))
        {
            for (var i = 0; i < spatial.Count; i++)
            {
                OmeLengthUnit.TryGetNanometres(spatial[i].Unit, out var factor);
                spatial[i] = (spatial[i].Size * factor, OmeLengthUnit.Nanometer);
            }

            unit = OmeLengthUnit.Nanometer;
        }
        else
        {
            var units = spatial.Select(s => s.Unit).Distinct().ToList();
            unit = units is [{ } only] ? only : "unspecified";
        }

        while (spatial.Count < 3)
        {
            spatial.Insert(0, (1, unit));
        }

        var last = spatial.Count - 3;
        return (spatial[last].Size, spatial[last + 1].Size, spatial[last + 2].Size, unit);
    }
}
