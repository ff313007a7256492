namespace Connectomics.Gpu.Models.UNet;

/// <summary>How <see cref="UNet3dModel.ComputeFeatures"/> cuts a block into tiles for the device.</summary>
public sealed record UNet3dTiling
{
    /// <summary>Gets the default tile: 64 output voxels per axis, rounded as described at <see cref="OutputTileSize"/>.</summary>
    public static UNet3dTiling Default { get; } = new();

    /// <summary>
    /// Gets the output voxels each tile computes per axis (the tile's input adds the context). Each axis is rounded
    /// down to a multiple of the model's output stride, raised to the model's smallest output and capped at the block's
    /// output; the last tile along an axis is moved back to end at the block's edge. Larger tiles recompute less
    /// context; the device holds one tile's feature maps at a time.
    /// </summary>
    /// <value>The default value is (64, 64, 64).</value>
    public VoxelExtent OutputTileSize { get; init; } = VoxelExtent.Cube(64);
}
