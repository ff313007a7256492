namespace Connectomics.Volumes.Reading;

/// <summary>
/// What a read returns for voxels outside the array (a block's halo at the volume's edge). Each spatial axis is padded
/// on its own; a voxel outside on several axes takes each axis's rule in turn.
/// </summary>
public enum Boundary
{
    /// <summary>The array's fill value (NumPy's <c>constant</c> padding with the fill value).</summary>
    Fill,

    /// <summary>
    /// The mirror image without repeating the edge voxel (NumPy's <c>reflect</c>): along an axis of length
    /// <c>n</c>, index <c>-1</c> reads <c>1</c> and index <c>n</c> reads <c>n - 2</c>. A box that reaches further than one
    /// array length keeps mirroring at both ends (period <c>2(n - 1)</c>), as NumPy does; an axis of length 1 repeats its
    /// voxel.
    /// </summary>
    Reflect,

    /// <summary>The nearest edge voxel (NumPy's <c>edge</c>).</summary>
    Replicate,
}
