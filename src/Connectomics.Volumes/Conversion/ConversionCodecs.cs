using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Codecs;
using Connectomics.Volumes.Zarr.V3;

namespace Connectomics.Volumes.Conversion;

/// <summary>
/// The codec names a conversion takes (<c>raw</c>, <c>gzip</c>, <c>zlib</c>, <c>zstd</c>, <c>lz4</c>,
/// <c>blosc-lz4</c>, <c>blosc-lz4hc</c>, <c>blosc-zstd</c>, <c>blosc-zlib</c>), which formats store each, and the
/// codec objects of each format.
/// </summary>
internal static class ConversionCodecs
{
    /// <summary>Every name, in the order help texts list them.</summary>
    public static readonly IReadOnlyList<string> Names = ["raw", "gzip", "zlib", "zstd", "lz4", "blosc-lz4", "blosc-lz4hc", "blosc-zstd", "blosc-zlib"];

    /// <summary>Gets the codec a format gets when none is named.</summary>
    /// <param name="format">The destination format.</param>
    /// <returns>The name: <c>blosc-zstd</c> for Zarr, <c>raw</c> for precomputed.</returns>
    public static string DefaultFor(VolumeFormat format) => format == VolumeFormat.Precomputed ? "raw" : "blosc-zstd";

    /// <summary>Gets the names a format stores.</summary>
    /// <param name="format">The destination format.</param>
    /// <returns>The names.</returns>
    public static IReadOnlyList<string> NamesFor(VolumeFormat format) => format switch
    {
        VolumeFormat.ZarrV2 => Names,
        VolumeFormat.ZarrV3 => ["raw", "gzip", "zstd", "blosc-lz4", "blosc-lz4hc", "blosc-zstd", "blosc-zlib"],
        _ => ["raw", "gzip"],
    };

    /// <summary>Gets the range of levels a codec takes, or <see langword="null"/> when it takes none.</summary>
    /// <param name="name">The codec name.</param>
    /// <returns>The smallest and largest level.</returns>
    public static (int Min, int Max)? LevelRange(string name) => name switch
    {
        "raw" => null,
        "zstd" => (-7, 22),
        "lz4" => (1, 65537),
        _ => (0, 9),
    };

    /// <summary>Gets a Zarr v2 compressor.</summary>
    /// <param name="name">A name <see cref="NamesFor"/> lists for Zarr v2.</param>
    /// <param name="level">The level, or <see langword="null"/> for the codec's default.</param>
    /// <returns>The compressor, <see langword="null"/> for raw.</returns>
    public static IBytesCodec? ZarrV2Compressor(string name, int? level) => name switch
    {
        "raw" => null,
        "gzip" => new GzipCodec(level ?? 5),
        "zlib" => new ZlibCodec(level ?? 5),
        "zstd" => new ZstdCodec(level ?? 3),
        "lz4" => new Lz4Codec(level ?? 1),
        _ => new BloscCodec(Blosc(name), level ?? 5, BloscShuffle.Byte),
    };

    /// <summary>Gets the Zarr v3 codecs of a chunk (inner chunk when sharded): <c>bytes</c> and the compressor.</summary>
    /// <param name="name">A name <see cref="NamesFor"/> lists for Zarr v3.</param>
    /// <param name="level">The level, or <see langword="null"/> for the codec's default.</param>
    /// <returns>The codecs.</returns>
    public static IList<ZarrV3Codec> ZarrV3Codecs(string name, int? level) => name switch
    {
        "raw" => [ZarrV3Codec.Bytes()],
        "gzip" => [ZarrV3Codec.Bytes(), ZarrV3Codec.Gzip(level ?? 5)],
        "zstd" => [ZarrV3Codec.Bytes(), ZarrV3Codec.Zstd(level ?? 3)],
        _ => [ZarrV3Codec.Bytes(), ZarrV3Codec.Blosc(Blosc(name), level ?? 5, BloscShuffle.Byte)],
    };

    private static BloscCompressor Blosc(string name) => name switch
    {
        "blosc-lz4" => BloscCompressor.Lz4,
        "blosc-lz4hc" => BloscCompressor.Lz4Hc,
        "blosc-zstd" => BloscCompressor.Zstd,
        "blosc-zlib" => BloscCompressor.Zlib,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a Blosc codec name."),
    };
}
