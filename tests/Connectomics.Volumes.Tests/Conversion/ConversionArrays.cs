using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Codecs;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Precomputed;
using Connectomics.Volumes.Stores;
using Connectomics.Volumes.Tests.Zarr.V3;
using Connectomics.Volumes.Zarr.V2;
using Connectomics.Volumes.Zarr.V3;

namespace Connectomics.Volumes.Tests.Conversion;

/// <summary>The formats the conversion tests write sources in and open destinations from, on disk.</summary>
internal static class ConversionArrays
{
    public static readonly string[] SourceKinds = ["zarr2", "zarr3", "zarr3-sharded", "precomputed"];

    /// <summary>Writes <paramref name="data"/> as a source of <paramref name="kind"/> in <paramref name="directory"/>
    /// with the format's own writer, and opens it again from the files.</summary>
    public static async Task<IChunkedArray> WriteSourceAsync(string kind, string directory, VoxelType type, long[] shape, byte[] data)
    {
        var store = new FileSystemStore(directory);
        switch (kind)
        {
            case "zarr2":
                await WholeArrays.WriteAsync(await ZarrV2Array.CreateAsync(store, "", new ZarrV2ArrayOptions
                {
                    Shape = shape, Chunks = Chunk(shape, [4, 5, 6]), DataType = type, Compressor = new BloscCodec(BloscCompressor.Lz4, 5, BloscShuffle.Byte),
                }), data);
                return await ZarrV2Array.OpenAsync(new FileSystemStore(directory), "");
            case "zarr3":
                await WholeArrays.WriteAsync(await ZarrV3Array.CreateAsync(store, "", new ZarrV3ArrayOptions
                {
                    Shape = shape, ChunkShape = Chunk(shape, [5, 4, 3]), DataType = type, Codecs = [ZarrV3Codec.Bytes(), ZarrV3Codec.Zstd(3)],
                }), data);
                return await ZarrV3Array.OpenAsync(new FileSystemStore(directory), "");
            case "zarr3-sharded":
                await WholeArrays.WriteAsync(await ZarrV3Array.CreateAsync(store, "", new ZarrV3ArrayOptions
                {
                    Shape = shape, ChunkShape = Chunk(shape, [3, 4, 5]), ShardShape = Chunk(shape, [6, 8, 10]), DataType = type,
                    Codecs = [ZarrV3Codec.Bytes(), ZarrV3Codec.Blosc(BloscCompressor.Zstd, 3, BloscShuffle.Bit)],
                }), data);
                return await ZarrV3Array.OpenAsync(new FileSystemStore(directory), "");
            default:
                var options = new PrecomputedWriterOptions { DataType = type, NumChannels = shape.Length == 4 ? (int)shape[0] : 1 };
                options.Scales.Add(new PrecomputedScale
                {
                    Key = "8_8_30",
                    Size = new(shape[^3], shape[^2], shape[^1]),
                    Resolution = [30, 8, 8],
                    ChunkSize = new(4, 8, 8),
                    VoxelOffset = new(3, 0, 5),
                });
                var writer = await PrecomputedWriter.CreateAsync(store, options);
                await WholeArrays.WriteAsync(writer.OpenScale(0), data);
                return (await PrecomputedVolume.OpenAsync(new FileSystemStore(directory))).OpenScale(0);
        }
    }

    /// <summary>Opens what a conversion wrote, from the files, with the format's reader.</summary>
    public static async Task<IChunkedArray> OpenAsync(VolumeFormat format, string directory) => format switch
    {
        VolumeFormat.ZarrV2 => await ZarrV2Array.OpenAsync(new FileSystemStore(directory), ""),
        VolumeFormat.ZarrV3 => await ZarrV3Array.OpenAsync(new FileSystemStore(directory), ""),
        _ => (await PrecomputedVolume.OpenAsync(new FileSystemStore(directory))).OpenScale(0),
    };

    /// <summary>A spatial chunk shape, with the channel axis (one channel per chunk) in front for rank 4.</summary>
    private static int[] Chunk(long[] shape, int[] spatial) => shape.Length == 4 ? [1, .. spatial] : spatial;
}
