using System.Text.Json;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;
using Connectomics.Volumes.Geometry;

namespace Connectomics.Volumes.Precomputed;

/// <summary>The content of a precomputed volume's <c>info</c> file: parsed from JSON and written back.</summary>
internal sealed record PrecomputedInfo
{
    /// <summary>The <c>@type</c> of a volume's info (optional in the file).</summary>
    public const string VolumeTypeTag = "neuroglancer_multiscale_volume";

    public required string Type { get; init; }

    public required VoxelType DataType { get; init; }

    public required int NumChannels { get; init; }

    public required IReadOnlyList<PrecomputedScale> Scales { get; init; }

    /// <summary>Parses an <c>info</c> file.</summary>
    /// <param name="json">The file's bytes.</param>
    /// <param name="location">The file's location, as errors name it.</param>
    /// <returns>The info.</returns>
    /// <exception cref="VolumeFormatException">The file is not JSON or misses a field or has a field of the wrong shape.</exception>
    /// <exception cref="VolumeFeatureNotSupportedException">The file describes something other than a volume, or a data type precomputed volumes here cannot have.</exception>
    public static PrecomputedInfo Parse(ReadOnlySpan<byte> json, string location)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException exception)
        {
            throw new VolumeFormatException(location, $"not valid JSON: {exception.Message}", exception);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new VolumeFormatException(location, "the root is not a JSON object.");
            }

            if (root.TryGetProperty("@type", out var tag) && (tag.ValueKind != JsonValueKind.String || tag.GetString() != VolumeTypeTag))
            {
                throw new VolumeFeatureNotSupportedException(location, $"@type {tag}", $"only '{VolumeTypeTag}' (an image or segmentation volume) is read, not meshes, skeletons or annotations.");
            }

            var type = RequiredString(root, "type", location);
            if (type is not ("image" or "segmentation"))
            {
                throw new VolumeFeatureNotSupportedException(location, $"volume type '{type}'", "'type' must be 'image' or 'segmentation'.");
            }

            var dataTypeName = RequiredString(root, "data_type", location);
            var dataType = PrecomputedDataTypes.Parse(dataTypeName)
                ?? throw new VolumeFeatureNotSupportedException(location, $"data_type '{dataTypeName}'", "precomputed volumes are uint8, int8, uint16, int16, uint32, int32, uint64, int64, float32 or float64.");
            var channels = Integer(Required(root, "num_channels", location), "num_channels", location);
            if (channels is < 1 or > int.MaxValue)
            {
                throw new VolumeFormatException(location, $"'num_channels' is {channels}; it must be at least 1.");
            }

            var scalesElement = Required(root, "scales", location);
            if (scalesElement.ValueKind != JsonValueKind.Array || scalesElement.GetArrayLength() == 0)
            {
                throw new VolumeFormatException(location, "'scales' must be a non-empty array.");
            }

            var scales = new List<PrecomputedScale>(scalesElement.GetArrayLength());
            var index = 0;
            foreach (var element in scalesElement.EnumerateArray())
            {
                scales.Add(ParseScale(element, $"scales[{index}]", location));
                index++;
            }

            return new PrecomputedInfo { Type = type, DataType = dataType, NumChannels = (int)channels, Scales = scales };
        }
    }

    /// <summary>Writes the info as an indented JSON object, fields in the order Neuroglancer's documentation lists them.</summary>
    /// <returns>The file's bytes.</returns>
    public byte[] Serialize()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("@type", VolumeTypeTag);
            writer.WriteString("type", Type);
            writer.WriteString("data_type", PrecomputedDataTypes.NameOf(DataType));
            writer.WriteNumber("num_channels", NumChannels);
            writer.WriteStartArray("scales");
            foreach (var scale in Scales)
            {
                writer.WriteStartObject();
                writer.WriteString("key", scale.Key);
                WriteXyz(writer, "size", scale.Size);
                writer.WriteStartArray("resolution");
                for (var axis = 2; axis >= 0; axis--)
                {
                    writer.WriteNumberValue(scale.Resolution[axis]);
                }

                writer.WriteEndArray();
                WriteXyz(writer, "voxel_offset", scale.VoxelOffset);
                writer.WriteStartArray("chunk_sizes");
                foreach (var chunkSize in scale.ChunkSizes)
                {
                    writer.WriteStartArray();
                    writer.WriteNumberValue(chunkSize.X);
                    writer.WriteNumberValue(chunkSize.Y);
                    writer.WriteNumberValue(chunkSize.Z);
                    writer.WriteEndArray();
                }

                writer.WriteEndArray();
                writer.WriteString("encoding", scale.Encoding);
                if (scale.JpegQuality is { } quality)
                {
                    writer.WriteNumber("jpeg_quality", quality);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static PrecomputedScale ParseScale(JsonElement element, string field, string location)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new VolumeFormatException(location, $"'{field}' is not a JSON object.");
        }

        var key = RequiredString(element, "key", location, field);
        var size = Xyz(Required(element, "size", location, field), $"{field}.size", location);
        if (size.Z <= 0 || size.Y <= 0 || size.X <= 0)
        {
            throw new VolumeFormatException(location, $"'{field}.size' must be positive, not {FormatXyz(size)}.");
        }

        var resolutionElement = Required(element, "resolution", location, field);
        var resolution = new double[3];
        if (resolutionElement.ValueKind != JsonValueKind.Array || resolutionElement.GetArrayLength() != 3)
        {
            throw new VolumeFormatException(location, $"'{field}.resolution' must be an array of 3 numbers [x, y, z].");
        }

        for (var i = 0; i < 3; i++)
        {
            var value = resolutionElement[i];
            if (value.ValueKind != JsonValueKind.Number || !(value.GetDouble() > 0) || double.IsInfinity(value.GetDouble()))
            {
                throw new VolumeFormatException(location, $"'{field}.resolution[{i}]' must be a positive number, not {value}.");
            }

            resolution[2 - i] = value.GetDouble();
        }

        var offset = element.TryGetProperty("voxel_offset", out var offsetElement) && offsetElement.ValueKind != JsonValueKind.Null
            ? Xyz(offsetElement, $"{field}.voxel_offset", location)
            : Index3.Zero;

        var chunkSizesElement = Required(element, "chunk_sizes", location, field);
        if (chunkSizesElement.ValueKind != JsonValueKind.Array || chunkSizesElement.GetArrayLength() == 0)
        {
            throw new VolumeFormatException(location, $"'{field}.chunk_sizes' must be a non-empty array of [x, y, z] arrays.");
        }

        var chunkSizes = new List<Index3>(chunkSizesElement.GetArrayLength());
        for (var i = 0; i < chunkSizesElement.GetArrayLength(); i++)
        {
            var chunk = Xyz(chunkSizesElement[i], $"{field}.chunk_sizes[{i}]", location);
            if (chunk.Z <= 0 || chunk.Y <= 0 || chunk.X <= 0 || chunk.Volume > int.MaxValue)
            {
                throw new VolumeFormatException(location, $"'{field}.chunk_sizes[{i}]' must be positive and below 2^31 voxels, not {FormatXyz(chunk)}.");
            }

            chunkSizes.Add(chunk);
        }

        var encoding = RequiredString(element, "encoding", location, field).ToLowerInvariant();
        int? quality = element.TryGetProperty("jpeg_quality", out var qualityElement) && qualityElement.ValueKind == JsonValueKind.Number && qualityElement.TryGetInt32(out var q)
            ? q
            : null;
        var sharded = element.TryGetProperty("sharding", out var sharding) && sharding.ValueKind != JsonValueKind.Null;
        return new PrecomputedScale
        {
            Key = key,
            Size = size,
            Resolution = resolution,
            VoxelOffset = offset,
            ChunkSize = chunkSizes[0],
            ChunkSizes = chunkSizes,
            Encoding = encoding,
            JpegQuality = quality,
            IsSharded = sharded,
        };
    }

    private static void WriteXyz(Utf8JsonWriter writer, string name, Index3 value)
    {
        writer.WriteStartArray(name);
        writer.WriteNumberValue(value.X);
        writer.WriteNumberValue(value.Y);
        writer.WriteNumberValue(value.Z);
        writer.WriteEndArray();
    }

    private static string FormatXyz(Index3 value) => $"[{value.X}, {value.Y}, {value.Z}]";

    private static JsonElement Required(JsonElement parent, string name, string location, string? parentField = null) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : throw new VolumeFormatException(location, $"the required field '{(parentField is null ? name : $"{parentField}.{name}")}' is missing.");

    private static string RequiredString(JsonElement parent, string name, string location, string? parentField = null)
    {
        var value = Required(parent, name, location, parentField);
        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new VolumeFormatException(location, $"'{(parentField is null ? name : $"{parentField}.{name}")}' must be a non-empty string, not {value}.");
    }

    private static long Integer(JsonElement value, string field, string location)
    {
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt64(out var integer))
            {
                return integer;
            }

            // Some writers emit integral values as 64.0.
            if (value.TryGetDouble(out var real) && real == Math.Floor(real) && Math.Abs(real) < 9e15)
            {
                return (long)real;
            }
        }

        throw new VolumeFormatException(location, $"'{field}' must be an integer, not {value}.");
    }

    private static Index3 Xyz(JsonElement value, string field, string location)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 3)
        {
            throw new VolumeFormatException(location, $"'{field}' must be an array of 3 integers [x, y, z], not {value}.");
        }

        return new Index3(
            Integer(value[2], $"{field}[2]", location),
            Integer(value[1], $"{field}[1]", location),
            Integer(value[0], $"{field}[0]", location));
    }
}
