namespace Connectomics.Gpu.Models.UNet;

/// <summary>How per-voxel features become one vector per block or cell.</summary>
public enum VoxelPooling
{
    /// <summary>The mean over the voxels.</summary>
    Mean,

    /// <summary>The element-wise maximum over the voxels.</summary>
    Max,
}
