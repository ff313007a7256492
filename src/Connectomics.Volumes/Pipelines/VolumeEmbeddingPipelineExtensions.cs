using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Pipelines;
using Connectomics.Volumes.Stores;

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

        /// <summary>
        /// Starts a pipeline over a Zarr v2 or v3 array (OME-Zarr included: the voxel size comes from its multiscales).
        /// The store is opened when the pipeline is built.
        /// </summary>
        /// <param name="location">The store's root: a directory or an <c>http(s)://</c> address.</param>
        /// <param name="array">The array's path in the store, or null for the only array or the OME-Zarr level 0.</param>
        /// <returns>The builder.</returns>
        public static VolumePipelineBuilder FromZarr(string location, string? array = null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(location);
            return FromStore(() => VolumeStore.Open(location), array, expectPrecomputed: false);
        }

        /// <summary>Starts a pipeline over a scale of a Neuroglancer precomputed volume. The volume is opened when the pipeline is built.</summary>
        /// <param name="location">The volume's root (where its <c>info</c> is): a directory or an <c>http(s)://</c> address.</param>
        /// <param name="scale">The scale's key (e.g. <c>8_8_40</c>), or null for the finest.</param>
        /// <returns>The builder.</returns>
        public static VolumePipelineBuilder FromPrecomputed(string location, string? scale = null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(location);
            return FromStore(() => VolumeStore.Open(location), scale, expectPrecomputed: true);
        }

        /// <summary>Starts a pipeline over an array of an opened volume store, whatever its format.</summary>
        /// <param name="store">The store.</param>
        /// <param name="array">The array or scale, or null for the only array or level 0.</param>
        /// <returns>The builder.</returns>
        public static VolumePipelineBuilder FromVolume(VolumeStore store, string? array = null)
        {
            ArgumentNullException.ThrowIfNull(store);
            return FromStore(() => store, array, expectPrecomputed: null);
        }
    }

    private static VolumePipelineBuilder FromStore(Func<VolumeStore> open, string? array, bool? expectPrecomputed) =>
        new(async cancellationToken =>
        {
            var store = open();
            var format = await store.DetectFormatAsync(cancellationToken).ConfigureAwait(false);
            if (expectPrecomputed is { } precomputed && precomputed != (format == VolumeFormat.Precomputed))
            {
                throw new ArgumentException(precomputed
                    ? $"{store.Location} is a Zarr store ({format}), not a precomputed volume: start with EmbeddingPipeline.FromZarr."
                    : $"{store.Location} is a precomputed volume, not a Zarr store: start with EmbeddingPipeline.FromPrecomputed.");
            }

            var source = await store.OpenArrayAsync(array, cancellationToken).ConfigureAwait(false);
            return new OpenedVolume(source.Array, source.Name, source.Level, source.VoxelSize);
        });
}
