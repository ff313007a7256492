using Connectomics.Volumes.Blocks;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;

namespace Connectomics.Volumes.Pipelines;

/// <summary>
/// A block as the record of a volume pipeline: its geometry, the raw voxels of the box its model reads (halo included,
/// padded by the run's boundary rule where it leaves the volume), how those voxels are normalised, and the rows it
/// makes. A skipped block carries no voxels and no rows.
/// </summary>
public sealed class VolumeBlock
{
    /// <summary>Gets the block (id, grid index, write and read boxes).</summary>
    public required Block Block { get; init; }

    /// <summary>Gets the pyramid level read (the OME-Zarr dataset or precomputed scale index; 0 for a plain array).</summary>
    public required int Level { get; init; }

    /// <summary>Gets the source's name as the table records it (the array or scale path, never an absolute path).</summary>
    public required string Source { get; init; }

    /// <summary>Gets the voxels' data type.</summary>
    public required VoxelType DataType { get; init; }

    /// <summary>Gets the number of channels (1 for a plain 3-D array).</summary>
    public required int Channels { get; init; }

    /// <summary>Gets the box <see cref="Voxels"/> covers, in volume coordinates (it may reach outside the volume).</summary>
    public required Box3 VoxelBox { get; init; }

    /// <summary>
    /// Gets the raw voxels of <see cref="VoxelBox"/>: <c>[channel, z, y, x]</c>, C order, little-endian
    /// <see cref="DataType"/> values; empty when the block is skipped.
    /// </summary>
    public required ReadOnlyMemory<byte> Voxels { get; init; }

    /// <summary>Gets how the voxels become model input.</summary>
    public required VoxelNormalization Normalization { get; init; }

    /// <summary>Gets the rows the block makes, in order; empty when the block is skipped or holds no points.</summary>
    public required IReadOnlyList<BlockRow> Rows { get; init; }

    /// <summary>Gets why the block is skipped, or <see cref="BlockSkipReason.None"/> when it is embedded.</summary>
    public BlockSkipReason Skipped { get; init; }

    /// <summary>Gets the voxel size in nanometres (z, y, x), from the format's metadata, or 1 when it has none.</summary>
    public (double Z, double Y, double X) VoxelSize { get; init; } = (1, 1, 1);
}
