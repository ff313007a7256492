namespace Connectomics.Volumes.Pipelines;

/// <summary>A halo chosen by the pipeline rather than given in voxels.</summary>
public enum HaloSize
{
    /// <summary>The model's context: per axis the larger of <see cref="IVolumeEmbeddingModel.Context"/> and
    /// <see cref="IVolumeEmbeddingModel.ContextAfter"/>.</summary>
    Auto,
}
