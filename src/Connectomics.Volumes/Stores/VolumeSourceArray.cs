using Connectomics.Volumes.Arrays;

namespace Connectomics.Volumes.Stores;

/// <summary>An array opened from a <see cref="VolumeStore"/>, with what it is in its store and the size of its voxels.</summary>
/// <param name="Array">The array: <c>[z, y, x]</c>, or <c>[c, z, y, x]</c> with a leading channel axis (leading axes of
/// extent 1, such as OME-Zarr's time axis, are dropped), ready for <see cref="Reading.VolumeArray"/>.</param>
/// <param name="Name">The array's path in the store, or the precomputed scale's key.</param>
/// <param name="Level">The level in its multiscale pyramid (0 is the finest; 0 for an array outside one).</param>
/// <param name="VoxelSize">The size of one voxel along z, y and x, in <paramref name="Unit"/>.</param>
/// <param name="Unit">The unit of <paramref name="VoxelSize"/>: <c>nanometer</c> when known, <c>voxel</c> when the store
/// says nothing (sizes 1), otherwise the unit the metadata names.</param>
public sealed record VolumeSourceArray(IChunkedArray Array, string Name, int Level, (double Z, double Y, double X) VoxelSize, string Unit);
