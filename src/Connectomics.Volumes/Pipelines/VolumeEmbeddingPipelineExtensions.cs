using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Pipelines;

namespace Connectomics.Pipelines;

/// <summary>Starts volume pipelines: <c>EmbeddingPipeline.FromArray(...)</c> and the format entry points.</summary>
public static class VolumeEmbeddingPipelineExtensions
{
    extension(EmbeddingPipeline)
    {
        /// <summary>Starts a pipeline over an opened array of rank 3 (<c>[z, y, x]</c>) or 4 (<c>[c, z, y, x]</c>); voxel size 1 nm.</summary>
        /// <param name="array">The array.</param>
        /// <param name="name">The array's name as the table records it (a path inside its store, never an absolute path).</param>
        /// <param name="level">The pyramid level the array is (0 for a plain array).</param>
        /// <returns>The builder.</returns>
        public static VolumePipelineBuilder FromArray(IChunkedArray array, string name, int level = 0)
        {
            ArgumentNullException.ThrowIfNull(array);
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            ArgumentOutOfRangeException.ThrowIfNegative(level);
            var opened = new OpenedVolume(array, name, level, (1, 1, 1));
            return new VolumePipelineBuilder(_ => ValueTask.FromResult(opened));
        }
    }
}
