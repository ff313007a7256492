using Connectomics.Volumes.Arrays;

namespace Connectomics.Volumes.Pipelines;

/// <summary>The array a volume pipeline reads, once opened: the array, its name as the table records it, its level and voxel size.</summary>
internal sealed record OpenedVolume(IChunkedArray Array, string Name, int Level, (double Z, double Y, double X) VoxelSize);
