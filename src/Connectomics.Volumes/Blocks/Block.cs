using Connectomics.Volumes.Geometry;

namespace Connectomics.Volumes.Blocks;

/// <summary>
/// One block of a <see cref="BlockGrid"/>: the voxels it writes and the (larger) box it reads.
/// </summary>
/// <param name="Id">The stable id: the block's C-order index in the block grid (z slowest), the same in every run over
/// the same volume and block size.</param>
/// <param name="GridIndex">The block's position in the block grid.</param>
/// <param name="WriteBox">The voxels the block writes: a block-size box, cut to the volume at the far edges.</param>
/// <param name="ReadBox">The voxels the block reads: <paramref name="WriteBox"/> grown by the halo, possibly reaching
/// outside the volume (read with the grid's boundary rule).</param>
public sealed record Block(long Id, Index3 GridIndex, Box3 WriteBox, Box3 ReadBox);
