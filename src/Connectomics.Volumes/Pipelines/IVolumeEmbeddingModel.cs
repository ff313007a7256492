using Connectomics.Embeddings;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;

namespace Connectomics.Volumes.Pipelines;

/// <summary>
/// A model that embeds volume blocks: for each block it computes per-voxel features over the block's write box and
/// pools them into one vector per <see cref="BlockRow"/>. <see cref="IEmbeddingModel{TInput}.EncodeAsync"/> returns,
/// per block, its rows' vectors one after another (<c>rows × dimension</c> values).
/// </summary>
/// <remarks>
/// A volume pipeline reads for each block the box <see cref="GetInputBox"/> gives (grown to the block's read box), so
/// per-voxel features stitched from blocks equal one pass over the whole padded volume.
/// </remarks>
public interface IVolumeEmbeddingModel : IEmbeddingModel<VolumeBlock>
{
    /// <summary>Gets the input channels the model takes.</summary>
    int InputChannels { get; }

    /// <summary>Gets the voxels of context the model needs before each output voxel (per axis): the least halo.</summary>
    Index3 Context { get; }

    /// <summary>Gets the voxels of context the model needs after each output voxel (per axis).</summary>
    Index3 ContextAfter { get; }

    /// <summary>Gets the output stride: block sizes must be multiples of it.</summary>
    Index3 OutputStride { get; }

    /// <summary>Gets whether the model takes voxels of this type (it converts them to float32 itself).</summary>
    /// <param name="type">The voxel type.</param>
    /// <returns>Whether the type is taken.</returns>
    bool Accepts(VoxelType type);

    /// <summary>
    /// Gets the box of input voxels the model needs to compute every voxel of <paramref name="writeBox"/>, in volume
    /// coordinates: the write box grown by the context, and at the far end by what makes an accepted input size.
    /// </summary>
    /// <param name="writeBox">A block's write box (its start a multiple of the output stride).</param>
    /// <returns>The input box.</returns>
    Box3 GetInputBox(Box3 writeBox);
}
