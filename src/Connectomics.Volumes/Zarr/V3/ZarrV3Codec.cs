using System.Globalization;
using System.Text.Json.Nodes;
using Connectomics.Volumes.Codecs;

namespace Connectomics.Volumes.Zarr.V3;

/// <summary>
/// One codec of a Zarr v3 array's pipeline as <c>zarr.json</c> records it: a name and a configuration. Build them with
/// the factory methods (<see cref="Transpose"/>, <see cref="Bytes"/>, <see cref="Blosc"/>, <see cref="Gzip"/>,
/// <see cref="Zstd"/>, <see cref="Crc32c"/>) and list them in <see cref="ZarrV3ArrayOptions.Codecs"/> in encoding order.
/// </summary>
public sealed class ZarrV3Codec
{
    private readonly JsonObject _configuration;

    private ZarrV3Codec(string name, JsonObject configuration)
    {
        Name = name;
        _configuration = configuration;
    }

    /// <summary>Gets the codec's name as <c>zarr.json</c> spells it.</summary>
    public string Name { get; }

    /// <summary>Gets the codec's configuration, as <c>zarr.json</c> records it (a copy).</summary>
    public JsonObject Configuration => (JsonObject)_configuration.DeepClone();

    /// <summary>Creates an array-to-array <c>transpose</c> codec: the stored array is the chunk with its axes permuted.</summary>
    /// <param name="order">The permutation: stored axis <c>i</c> is the chunk's axis <c>order[i]</c>.</param>
    /// <returns>The codec.</returns>
    public static ZarrV3Codec Transpose(params int[] order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var array = new JsonArray();
        foreach (var axis in order)
        {
            array.Add(axis);
        }

        return new ZarrV3Codec("transpose", new JsonObject { ["order"] = array });
    }

    /// <summary>Creates the array-to-bytes <c>bytes</c> codec: elements stored as they are, in the given byte order.</summary>
    /// <param name="endian">The byte order of multi-byte elements.</param>
    /// <returns>The codec.</returns>
    public static ZarrV3Codec Bytes(ByteOrder endian = ByteOrder.Little) =>
        new("bytes", new JsonObject { ["endian"] = endian == ByteOrder.Big ? "big" : "little" });

    /// <summary>Creates a bytes-to-bytes <c>blosc</c> codec (Blosc 1). The type size is the array's element size.</summary>
    /// <param name="compressor">The compressor inside Blosc.</param>
    /// <param name="level">The compression level, 0 to 9.</param>
    /// <param name="shuffle">The shuffle applied before compression.</param>
    /// <param name="blockSize">The Blosc block size in bytes, 0 for Blosc's automatic choice.</param>
    /// <returns>The codec.</returns>
    public static ZarrV3Codec Blosc(BloscCompressor compressor = BloscCompressor.Lz4, int level = 5, BloscShuffle shuffle = BloscShuffle.Byte, int blockSize = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 9);
        ArgumentOutOfRangeException.ThrowIfNegative(blockSize);
        return new ZarrV3Codec("blosc", new JsonObject
        {
            ["cname"] = BloscCodec.CompressorName(compressor),
            ["clevel"] = level,
            ["shuffle"] = BloscCodec.ShuffleName(shuffle),
            ["blocksize"] = blockSize,
        });
    }

    /// <summary>Creates a bytes-to-bytes <c>gzip</c> codec.</summary>
    /// <param name="level">The compression level, 0 to 9.</param>
    /// <returns>The codec.</returns>
    public static ZarrV3Codec Gzip(int level = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 9);
        return new ZarrV3Codec("gzip", new JsonObject { ["level"] = level });
    }

    /// <summary>Creates a bytes-to-bytes <c>zstd</c> codec (frames written without a content checksum).</summary>
    /// <param name="level">The compression level (0 for zstd's default, negative for the fast levels, up to 22).</param>
    /// <returns>The codec.</returns>
    public static ZarrV3Codec Zstd(int level = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 22);
        return new ZarrV3Codec("zstd", new JsonObject { ["level"] = level, ["checksum"] = false });
    }

    /// <summary>Creates the bytes-to-bytes <c>crc32c</c> codec: a 4-byte CRC-32C appended, verified on every read.</summary>
    /// <returns>The codec.</returns>
    public static ZarrV3Codec Crc32c() => new("crc32c", []);

    /// <summary>Gets the codec as a <c>zarr.json</c> codec object.</summary>
    /// <returns>A new <c>{"name": …, "configuration": …}</c> object.</returns>
    public JsonObject ToJson() => _configuration.Count == 0
        ? new JsonObject { ["name"] = Name }
        : new JsonObject { ["name"] = Name, ["configuration"] = _configuration.DeepClone() };

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}{_configuration.ToJsonString()}");
}
