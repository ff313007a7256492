using System.Text.Json;
using Connectomics.Volumes.Codecs;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;

namespace Connectomics.Volumes.Zarr.V2;

/// <summary>
/// The <c>compressor</c> of a <c>.zarray</c>, as numcodecs configures it: <c>null</c>, or an object whose <c>id</c> is
/// <c>blosc</c> (<c>cname</c>, <c>clevel</c>, <c>shuffle</c>, <c>blocksize</c>), <c>zstd</c> (<c>level</c>),
/// <c>gzip</c> or <c>zlib</c> (<c>level</c>) or <c>lz4</c> (<c>acceleration</c>), mapped to and from the codecs.
/// </summary>
/// <remarks>A Blosc frame's header says how it was shuffled and compressed; the configuration only sets how new chunks
/// are written (its <c>shuffle</c> -1, numcodecs' and TensorStore's automatic choice, is bit shuffle for 1-byte
/// elements and byte shuffle otherwise).</remarks>
internal static class ZarrV2Compressor
{
    /// <summary>Gets the compressor a <c>compressor</c> field configures.</summary>
    /// <param name="value">The field's value.</param>
    /// <param name="type">The element type (for Blosc's automatic shuffle).</param>
    /// <param name="location">The metadata file, as errors name it.</param>
    /// <returns>The codec, or <see langword="null"/> for <c>null</c>.</returns>
    /// <exception cref="VolumeFormatException">The configuration is not an object with an <c>id</c>, or a setting is invalid.</exception>
    /// <exception cref="VolumeFeatureNotSupportedException">The compressor is not one this package reads.</exception>
    public static IBytesCodec? FromJson(JsonElement value, VoxelType type, string location)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("id", out var idElement) || idElement.ValueKind != JsonValueKind.String)
        {
            throw new VolumeFormatException(location, $"compressor {value.GetRawText()} is neither null nor an object with an \"id\".");
        }

        var id = idElement.GetString()!;
        try
        {
            return id switch
            {
                "blosc" => new BloscCodec(
                    BloscCompressorOf(value, location),
                    Integer(value, "clevel", 5, location),
                    BloscShuffleOf(Integer(value, "shuffle", 1, location), type, location),
                    Integer(value, "blocksize", 0, location)),
                "zstd" => new ZstdCodec(Integer(value, "level", 0, location)),
                "gzip" => new GzipCodec(Integer(value, "level", 5, location)),
                "zlib" => new ZlibCodec(Integer(value, "level", 5, location)),
                "lz4" => new Lz4Codec(Integer(value, "acceleration", 1, location)),
                _ => throw new VolumeFeatureNotSupportedException(location, $"compressor {id}", "the compressors read are blosc, zstd, gzip, zlib and lz4."),
            };
        }
        catch (ArgumentException error)
        {
            throw new VolumeFormatException(location, $"compressor {value.GetRawText()}: {error.Message}", error);
        }
    }

    /// <summary>Writes the <c>compressor</c> field's value for a codec, as numcodecs' <c>get_config</c> spells it.</summary>
    /// <param name="writer">The JSON writer.</param>
    /// <param name="codec">The codec, or <see langword="null"/> for raw chunks.</param>
    /// <exception cref="ArgumentException">The codec is no Zarr v2 compressor.</exception>
    public static void WriteJson(Utf8JsonWriter writer, IBytesCodec? codec)
    {
        switch (codec)
        {
            case null:
                writer.WriteNullValue();
                break;
            case BloscCodec blosc:
                writer.WriteStartObject();
                writer.WriteNumber("blocksize", blosc.BlockSize);
                writer.WriteNumber("clevel", blosc.Level);
                writer.WriteString("cname", BloscCodec.CompressorName(blosc.Compressor));
                writer.WriteString("id", "blosc");
                writer.WriteNumber("shuffle", blosc.Shuffle switch
                {
                    BloscShuffle.None => 0,
                    BloscShuffle.Byte => 1,
                    _ => 2,
                });
                writer.WriteEndObject();
                break;
            case ZstdCodec zstd:
                writer.WriteStartObject();
                writer.WriteString("id", "zstd");
                writer.WriteNumber("level", zstd.Level);
                writer.WriteEndObject();
                break;
            case GzipCodec gzip:
                writer.WriteStartObject();
                writer.WriteString("id", "gzip");
                writer.WriteNumber("level", gzip.Level);
                writer.WriteEndObject();
                break;
            case ZlibCodec zlib:
                writer.WriteStartObject();
                writer.WriteString("id", "zlib");
                writer.WriteNumber("level", zlib.Level);
                writer.WriteEndObject();
                break;
            case Lz4Codec lz4:
                writer.WriteStartObject();
                writer.WriteNumber("acceleration", lz4.Acceleration);
                writer.WriteString("id", "lz4");
                writer.WriteEndObject();
                break;
            default:
                throw new ArgumentException($"{codec.Description} is no Zarr v2 compressor; use blosc, zstd, gzip, zlib, lz4 or none.", nameof(codec));
        }
    }

    /// <summary>Gets whether a codec can be a Zarr v2 compressor.</summary>
    /// <param name="codec">The codec.</param>
    /// <returns><see langword="true"/> for Blosc, Zstd, Gzip, Zlib and LZ4.</returns>
    public static bool IsCompressor(IBytesCodec codec) => codec is BloscCodec or ZstdCodec or GzipCodec or ZlibCodec or Lz4Codec;

    private static BloscCompressor BloscCompressorOf(JsonElement value, string location)
    {
        if (!value.TryGetProperty("cname", out var cname))
        {
            return BloscCompressor.Lz4;
        }

        return cname.ValueKind == JsonValueKind.String && BloscCodec.TryParseCompressorName(cname.GetString(), out var compressor)
            ? compressor
            : throw new VolumeFeatureNotSupportedException(location, $"blosc cname {cname.GetRawText()}", "Blosc's compressors are blosclz, lz4, lz4hc, snappy, zlib and zstd.");
    }

    private static BloscShuffle BloscShuffleOf(int shuffle, VoxelType type, string location) => shuffle switch
    {
        -1 => type.ByteSize() == 1 ? BloscShuffle.Bit : BloscShuffle.Byte,
        0 => BloscShuffle.None,
        1 => BloscShuffle.Byte,
        2 => BloscShuffle.Bit,
        _ => throw new VolumeFormatException(location, $"compressor blosc: shuffle {shuffle} is none of -1 (automatic), 0 (none), 1 (byte) and 2 (bit)."),
    };

    private static int Integer(JsonElement value, string field, int absent, string location)
    {
        if (!value.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return absent;
        }

        return element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var number)
            ? number
            : throw new VolumeFormatException(location, $"compressor {value.GetProperty("id").GetString()}: {field} {element.GetRawText()} is not an integer.");
    }
}
