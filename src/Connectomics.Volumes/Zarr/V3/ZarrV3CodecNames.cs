using Connectomics.Volumes.Codecs;

namespace Connectomics.Volumes.Zarr.V3;

/// <summary>The spellings <c>zarr.json</c> gives Blosc's compressors and shuffles.</summary>
internal static class ZarrV3CodecNames
{
    public static string BloscCompressorName(BloscCompressor compressor) => compressor switch
    {
        BloscCompressor.BloscLz => "blosclz",
        BloscCompressor.Lz4 => "lz4",
        BloscCompressor.Lz4Hc => "lz4hc",
        BloscCompressor.Snappy => "snappy",
        BloscCompressor.Zlib => "zlib",
        BloscCompressor.Zstd => "zstd",
        _ => throw new ArgumentOutOfRangeException(nameof(compressor), compressor, "Not a Blosc compressor."),
    };

    public static BloscCompressor? ParseBloscCompressor(string? name) => name switch
    {
        "blosclz" => BloscCompressor.BloscLz,
        "lz4" => BloscCompressor.Lz4,
        "lz4hc" => BloscCompressor.Lz4Hc,
        "snappy" => BloscCompressor.Snappy,
        "zlib" => BloscCompressor.Zlib,
        "zstd" => BloscCompressor.Zstd,
        _ => null,
    };

    public static string BloscShuffleName(BloscShuffle shuffle) => shuffle switch
    {
        BloscShuffle.None => "noshuffle",
        BloscShuffle.Byte => "shuffle",
        BloscShuffle.Bit => "bitshuffle",
        _ => throw new ArgumentOutOfRangeException(nameof(shuffle), shuffle, "Not a Blosc shuffle."),
    };

    public static BloscShuffle? ParseBloscShuffle(string? name) => name switch
    {
        "noshuffle" => BloscShuffle.None,
        "shuffle" => BloscShuffle.Byte,
        "bitshuffle" => BloscShuffle.Bit,
        _ => null,
    };
}
