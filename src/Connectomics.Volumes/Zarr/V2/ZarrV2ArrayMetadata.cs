using System.Text.Json;
using Connectomics.Volumes.Codecs;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;

namespace Connectomics.Volumes.Zarr.V2;

/// <summary>
/// The content of a <c>.zarray</c> file: <c>zarr_format</c> 2, <c>shape</c>, <c>chunks</c>, <c>dtype</c>, <c>order</c>,
/// <c>fill_value</c>, <c>compressor</c>, <c>filters</c> and <c>dimension_separator</c>.
/// </summary>
internal sealed class ZarrV2ArrayMetadata
{
    /// <summary>Gets the extent of each axis.</summary>
    public required long[] Shape { get; init; }

    /// <summary>Gets the chunk extent along each axis.</summary>
    public required int[] Chunks { get; init; }

    /// <summary>Gets the element type.</summary>
    public required VoxelType DataType { get; init; }

    /// <summary>Gets the byte order of stored elements.</summary>
    public required ByteOrder ByteOrder { get; init; }

    /// <summary>Gets the layout of elements in a stored chunk.</summary>
    public required ZarrV2Order Order { get; init; }

    /// <summary>Gets the fill value as one little-endian element, or <see langword="null"/> for <c>null</c>.</summary>
    public required byte[]? FillValue { get; init; }

    /// <summary>Gets the compressor, or <see langword="null"/> for raw chunks.</summary>
    public required IBytesCodec? Compressor { get; init; }

    /// <summary>Gets the character between the chunk indices of a key: <c>.</c> or <c>/</c>.</summary>
    public required char DimensionSeparator { get; init; }

    /// <summary>Parses a <c>.zarray</c> file.</summary>
    /// <param name="json">The file's bytes.</param>
    /// <param name="location">The file, as errors name it.</param>
    /// <returns>The metadata.</returns>
    /// <exception cref="VolumeFormatException">Not JSON, a field missing or invalid, or the ranks disagree.</exception>
    /// <exception cref="VolumeFeatureNotSupportedException">A dtype, compressor or filter this package does not read.</exception>
    public static ZarrV2ArrayMetadata Parse(ReadOnlyMemory<byte> json, string location)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw new VolumeFormatException(location, $"is not valid JSON: {error.Message}", error);
        }

        using (document)
        {
            return Parse(document.RootElement, location);
        }
    }

    /// <summary>Parses the JSON object of a <c>.zarray</c> file (or of its entry in <c>.zmetadata</c>).</summary>
    /// <param name="root">The object.</param>
    /// <param name="location">The file, as errors name it.</param>
    /// <returns>The metadata.</returns>
    /// <exception cref="VolumeFormatException">A field missing or invalid, or the ranks disagree.</exception>
    /// <exception cref="VolumeFeatureNotSupportedException">A dtype, compressor or filter this package does not read.</exception>
    public static ZarrV2ArrayMetadata Parse(JsonElement root, string location)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new VolumeFormatException(location, $"is a JSON {root.ValueKind}, not an object.");
        }

        var format = Required(root, "zarr_format", location);
        if (format.ValueKind != JsonValueKind.Number || !format.TryGetInt32(out var version) || version != 2)
        {
            throw new VolumeFormatException(location, $"zarr_format is {format.GetRawText()}; a .zarray is version 2.");
        }

        var shape = Integers(Required(root, "shape", location), "shape", location, minimum: 0);
        var chunks = Integers(Required(root, "chunks", location), "chunks", location, minimum: 1);
        if (chunks.Length != shape.Length)
        {
            throw new VolumeFormatException(location, $"chunks has {chunks.Length} axes but shape has {shape.Length}.");
        }

        if (chunks.Any(extent => extent > int.MaxValue))
        {
            throw new VolumeFormatException(location, $"chunks [{string.Join(", ", chunks)}] has an extent too large for one chunk.");
        }

        var dtype = Required(root, "dtype", location);
        if (dtype.ValueKind != JsonValueKind.String)
        {
            throw dtype.ValueKind == JsonValueKind.Array
                ? new VolumeFeatureNotSupportedException(location, "structured dtype", $"{dtype.GetRawText()}: arrays of records are not volumes.")
                : new VolumeFormatException(location, $"dtype {dtype.GetRawText()} is not a NumPy type string.");
        }

        var (type, byteOrder) = NumPyTypeString.Parse(dtype.GetString()!, location);
        var chunkShape = chunks.Select(extent => (int)extent).ToArray();
        long chunkBytes = type.ByteSize();
        foreach (var extent in chunkShape)
        {
            chunkBytes *= extent;
            if (chunkBytes > Array.MaxLength)
            {
                throw new VolumeFormatException(location, $"chunks [{string.Join(", ", chunks)}] of {dtype.GetString()} make chunks larger than 2 GiB, which this package does not hold in memory.");
            }
        }

        var orderElement = Required(root, "order", location);
        var order = orderElement.ValueKind == JsonValueKind.String ? orderElement.GetString() : null;
        var layout = order switch
        {
            "C" => ZarrV2Order.C,
            "F" => ZarrV2Order.F,
            _ => throw new VolumeFormatException(location, $"order {orderElement.GetRawText()} is neither \"C\" nor \"F\"."),
        };

        var fill = ZarrFillValue.Parse(Required(root, "fill_value", location), type, allowBitPatterns: false, location);
        var compressor = ZarrV2Compressor.FromJson(Required(root, "compressor", location), type, location);

        if (root.TryGetProperty("filters", out var filters) && filters.ValueKind != JsonValueKind.Null)
        {
            if (filters.ValueKind != JsonValueKind.Array)
            {
                throw new VolumeFormatException(location, $"filters {filters.GetRawText()} is neither null nor a list.");
            }

            foreach (var filter in filters.EnumerateArray())
            {
                var id = filter.ValueKind == JsonValueKind.Object && filter.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
                    ? idElement.GetString()
                    : filter.GetRawText();
                throw new VolumeFeatureNotSupportedException(location, $"filter {id}", "Zarr v2 filters are not read; convert the array without filters.");
            }
        }

        var separator = '.';
        if (root.TryGetProperty("dimension_separator", out var separatorElement) && separatorElement.ValueKind != JsonValueKind.Null)
        {
            separator = separatorElement.ValueKind == JsonValueKind.String && separatorElement.GetString() is { Length: 1 } text && text[0] is '.' or '/'
                ? text[0]
                : throw new VolumeFormatException(location, $"dimension_separator {separatorElement.GetRawText()} is neither \".\" nor \"/\".");
        }

        return new ZarrV2ArrayMetadata
        {
            Shape = shape,
            Chunks = chunkShape,
            DataType = type,
            ByteOrder = byteOrder,
            Order = layout,
            FillValue = fill,
            Compressor = compressor,
            DimensionSeparator = separator,
        };
    }

    /// <summary>Writes the metadata as a <c>.zarray</c> file, keys sorted and indented as zarr-python writes them.</summary>
    /// <returns>The file's bytes (UTF-8 JSON).</returns>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("chunks");
            foreach (var extent in Chunks)
            {
                writer.WriteNumberValue(extent);
            }

            writer.WriteEndArray();
            writer.WritePropertyName("compressor");
            ZarrV2Compressor.WriteJson(writer, Compressor);
            writer.WriteString("dimension_separator", DimensionSeparator.ToString());
            writer.WriteString("dtype", NumPyTypeString.Format(DataType, ByteOrder));
            writer.WritePropertyName("fill_value");
            if (FillValue is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                ZarrFillValue.Write(writer, FillValue, DataType, allowBitPatterns: false);
            }

            writer.WriteNull("filters");
            writer.WriteString("order", Order == ZarrV2Order.F ? "F" : "C");
            writer.WriteStartArray("shape");
            foreach (var extent in Shape)
            {
                writer.WriteNumberValue(extent);
            }

            writer.WriteEndArray();
            writer.WriteNumber("zarr_format", 2);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static JsonElement Required(JsonElement root, string field, string location) =>
        root.TryGetProperty(field, out var value) ? value : throw new VolumeFormatException(location, $"the field \"{field}\" is missing.");

    private static long[] Integers(JsonElement value, string field, string location, long minimum)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new VolumeFormatException(location, $"{field} {value.GetRawText()} is not a list of integers.");
        }

        var result = new long[value.GetArrayLength()];
        var axis = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var number) || number < minimum)
            {
                throw new VolumeFormatException(location, $"{field} {value.GetRawText()}: item {axis} is not an integer ≥ {minimum}.");
            }

            result[axis++] = number;
        }

        return result;
    }
}
