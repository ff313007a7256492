using Connectomics.Volumes.Geometry;

namespace Connectomics.Volumes.Precomputed;

/// <summary>
/// One resolution of a Neuroglancer precomputed volume, as its <c>info</c> file describes it. Extents are given in the
/// API's <c>(z, y, x)</c> order (the file lists them <c>[x, y, z]</c>).
/// </summary>
public sealed record PrecomputedScale
{
    /// <summary>Gets the scale's key: the folder of its chunk files relative to the <c>info</c> file (e.g. <c>8_8_40</c>).</summary>
    public required string Key { get; init; }

    /// <summary>Gets the number of voxels along z, y and x (<c>size</c>).</summary>
    public required Index3 Size { get; init; }

    /// <summary>Gets the size of a voxel in nanometres, in <c>z, y, x</c> order (<c>resolution</c>, listed <c>[x, y, z]</c> in the file).</summary>
    public required IReadOnlyList<double> Resolution { get; init; }

    /// <summary>Gets the global voxel coordinates of the scale's first voxel (<c>voxel_offset</c>; zero when the file omits it).
    /// Voxel index 0 of the scale's array is this voxel.</summary>
    public Index3 VoxelOffset { get; init; }

    /// <summary>Gets the chunk size reads use: the first entry of <c>chunk_sizes</c>.</summary>
    public required Index3 ChunkSize { get; init; }

    /// <summary>Gets every chunk size the file lists (<c>chunk_sizes</c>); the first is <see cref="ChunkSize"/>.</summary>
    public IReadOnlyList<Index3> ChunkSizes { get => field ?? [ChunkSize]; init; }

    /// <summary>Gets the chunk encoding (<c>raw</c>, <c>jpeg</c>, <c>compressed_segmentation</c>, …), lower case.</summary>
    /// <value>The default value is <c>raw</c>.</value>
    public string Encoding { get; init; } = PrecomputedEncodings.Raw;

    /// <summary>Gets the JPEG quality the file records for a <c>jpeg</c> scale (<c>jpeg_quality</c>), if any.</summary>
    public int? JpegQuality { get; init; }

    /// <summary>Gets a value indicating whether the scale is stored in the sharded format (<c>sharding</c>), which is not read.</summary>
    public bool IsSharded { get; init; }

    /// <summary>Gets the scale's voxels in global coordinates: <see cref="VoxelOffset"/> to <see cref="VoxelOffset"/> + <see cref="Size"/>.</summary>
    public Box3 Bounds => Box3.FromStartSize(VoxelOffset, Size);
}
