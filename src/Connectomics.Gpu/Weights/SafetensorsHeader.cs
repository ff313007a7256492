using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace Connectomics.Gpu.Weights;

/// <summary>
/// The parsed and validated JSON header of a safetensors file: the tensor table ordered by data offset, a lookup by
/// name, and the optional <c>__metadata__</c> map.
/// </summary>
internal sealed class SafetensorsHeader
{
    /// <summary>The largest header, in bytes, that readers accept.</summary>
    internal const long MaxHeaderLength = 100_000_000;

    /// <summary>The key that holds the free-form string map instead of a tensor.</summary>
    internal const string MetadataKey = "__metadata__";

    private SafetensorsHeader(
        IReadOnlyList<SafetensorsTensorInfo> tensors,
        Dictionary<string, SafetensorsTensorInfo> byName,
        IReadOnlyDictionary<string, string>? metadata)
    {
        Tensors = tensors;
        ByName = byName;
        Metadata = metadata;
    }

    internal IReadOnlyList<SafetensorsTensorInfo> Tensors { get; }

    internal Dictionary<string, SafetensorsTensorInfo> ByName { get; }

    internal IReadOnlyDictionary<string, string>? Metadata { get; }

    /// <summary>
    /// Validates <paramref name="header"/> (the N header bytes that follow the 8-byte length) against a data buffer
    /// of <paramref name="dataLength"/> bytes.
    /// </summary>
    /// <exception cref="SafetensorsFormatException">The header breaks the format.</exception>
    internal static SafetensorsHeader Parse(ReadOnlySpan<byte> header, long dataLength, string path)
    {
        if (!Utf8.IsValid(header))
        {
            throw Error(path, null, "the header is not valid UTF-8.");
        }

        if (header.IsEmpty || header[0] != (byte)'{')
        {
            throw Error(path, null, "the header must be a JSON object starting with '{' at byte 8.");
        }

        var end = header.Length;
        while (end > 0 && header[end - 1] == (byte)' ')
        {
            end--;
        }

        if (header[end - 1] != (byte)'}')
        {
            throw Error(path, null, "the header must end with the JSON object's '}', followed only by space (0x20) padding.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header[..end].ToArray());
        }
        catch (JsonException ex)
        {
            throw Error(path, null, "the header is not valid JSON: " + ex.Message, ex);
        }

        using (document)
        {
            return Build(document.RootElement, dataLength, path);
        }
    }

    internal static SafetensorsFormatException Error(string path, string? tensorName, string detail, Exception? inner = null) =>
        new($"Invalid safetensors file '{path}': {detail}", path, tensorName, inner);

    private static SafetensorsHeader Build(JsonElement root, long dataLength, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, null, "the header is not a JSON object.");
        }

        var byName = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
        var list = new List<SafetensorsTensorInfo>();
        Dictionary<string, string>? metadata = null;
        var sawMetadata = false;

        foreach (var property in root.EnumerateObject())
        {
            var name = property.Name;
            if (name == MetadataKey)
            {
                if (sawMetadata)
                {
                    throw Error(path, null, $"the header holds \"{MetadataKey}\" more than once.");
                }

                sawMetadata = true;
                metadata = ParseMetadata(property.Value, path);
                continue;
            }

            if (byName.ContainsKey(name))
            {
                throw Error(path, name, $"tensor '{name}' appears more than once in the header.");
            }

            var info = ParseTensor(name, property.Value, dataLength, path);
            byName.Add(name, info);
            list.Add(info);
        }

        list.Sort(static (a, b) =>
        {
            var c = a.DataBegin.CompareTo(b.DataBegin);
            if (c == 0)
            {
                c = a.DataEnd.CompareTo(b.DataEnd);
            }

            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });

        long covered = 0;
        SafetensorsTensorInfo? previous = null;
        foreach (var info in list)
        {
            if (info.DataBegin < covered)
            {
                throw Error(path, info.Name, string.Create(
                    CultureInfo.InvariantCulture,
                    $"tensor '{info.Name}' (data_offsets [{info.DataBegin}, {info.DataEnd}]) overlaps tensor '{previous!.Name}' (data_offsets [{previous.DataBegin}, {previous.DataEnd}])."));
            }

            if (info.DataBegin > covered)
            {
                throw Error(path, info.Name, string.Create(
                    CultureInfo.InvariantCulture,
                    $"tensor '{info.Name}' starts at data offset {info.DataBegin}, leaving a gap of {info.DataBegin - covered} bytes after offset {covered} that belongs to no tensor."));
            }

            covered = info.DataEnd;
            previous = info;
        }

        if (covered != dataLength)
        {
            throw Error(path, null, string.Create(
                CultureInfo.InvariantCulture,
                $"the tensors cover {covered} bytes of the {dataLength}-byte data buffer; the last {dataLength - covered} bytes belong to no tensor."));
        }

        return new SafetensorsHeader(list.AsReadOnly(), byName, metadata?.AsReadOnly());
    }

    private static Dictionary<string, string> ParseMetadata(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, null, $"\"{MetadataKey}\" must be a JSON object of strings, not {Describe(element.ValueKind)}.");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in element.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw Error(path, null, $"\"{MetadataKey}\" entry '{entry.Name}' must be a string, not {Describe(entry.Value.ValueKind)}.");
            }

            if (!map.TryAdd(entry.Name, entry.Value.GetString()!))
            {
                throw Error(path, null, $"\"{MetadataKey}\" holds the key '{entry.Name}' more than once.");
            }
        }

        return map;
    }

    private static SafetensorsTensorInfo ParseTensor(string name, JsonElement element, long dataLength, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, name, $"tensor '{name}' must be a JSON object with \"dtype\", \"shape\" and \"data_offsets\", not {Describe(element.ValueKind)}.");
        }

        JsonElement? dtypeElement = null, shapeElement = null, offsetsElement = null;
        foreach (var field in element.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype":
                    dtypeElement = dtypeElement is null ? field.Value : throw DuplicateField(path, name, field.Name);
                    break;
                case "shape":
                    shapeElement = shapeElement is null ? field.Value : throw DuplicateField(path, name, field.Name);
                    break;
                case "data_offsets":
                    offsetsElement = offsetsElement is null ? field.Value : throw DuplicateField(path, name, field.Name);
                    break;
                default:
                    // Fields this version does not know are tolerated, as the reference reader tolerates them.
                    break;
            }
        }

        if (dtypeElement is not { } dtypeValue)
        {
            throw Error(path, name, $"tensor '{name}' has no \"dtype\".");
        }

        if (shapeElement is not { } shapeValue)
        {
            throw Error(path, name, $"tensor '{name}' has no \"shape\".");
        }

        if (offsetsElement is not { } offsetsValue)
        {
            throw Error(path, name, $"tensor '{name}' has no \"data_offsets\".");
        }

        if (dtypeValue.ValueKind != JsonValueKind.String)
        {
            throw Error(path, name, $"tensor '{name}' has a \"dtype\" that is {Describe(dtypeValue.ValueKind)}, not a string.");
        }

        var dtypeText = dtypeValue.GetString();
        if (!SafetensorsDTypeExtensions.TryParseFormatString(dtypeText, out var dtype))
        {
            throw Error(path, name, $"tensor '{name}' has dtype \"{dtypeText}\", which is not one of BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64, F8_E5M2, F8_E4M3.");
        }

        var shape = ReadNonNegativeIntegers(shapeValue, path, name, "shape");
        var offsets = ReadNonNegativeIntegers(offsetsValue, path, name, "data_offsets");
        if (offsets.Length != 2)
        {
            throw Error(path, name, string.Create(
                CultureInfo.InvariantCulture,
                $"tensor '{name}' has {offsets.Length} \"data_offsets\"; it needs exactly two: [begin, end]."));
        }

        var (begin, endOffset) = (offsets[0], offsets[1]);
        if (endOffset < begin)
        {
            throw Error(path, name, string.Create(
                CultureInfo.InvariantCulture,
                $"tensor '{name}' has data_offsets [{begin}, {endOffset}] whose end comes before its begin."));
        }

        long elementCount;
        long byteLength;
        try
        {
            elementCount = 1;
            foreach (var dim in shape)
            {
                elementCount = checked(elementCount * dim);
            }

            byteLength = checked(elementCount * dtype.GetElementSize());
        }
        catch (OverflowException ex)
        {
            throw Error(path, name, $"tensor '{name}' has shape {SafetensorsTensorInfo.FormatShape(shape)}, whose size overflows a 64-bit byte count.", ex);
        }

        if (endOffset - begin != byteLength)
        {
            throw Error(path, name, string.Create(
                CultureInfo.InvariantCulture,
                $"tensor '{name}' has data_offsets [{begin}, {endOffset}] ({endOffset - begin} bytes), but dtype {dtype.ToFormatString()} with shape {SafetensorsTensorInfo.FormatShape(shape)} needs {elementCount} × {dtype.GetElementSize()} = {byteLength} bytes."));
        }

        if (endOffset > dataLength)
        {
            throw Error(path, name, string.Create(
                CultureInfo.InvariantCulture,
                $"tensor '{name}' has data_offsets [{begin}, {endOffset}], which run past the end of the {dataLength}-byte data buffer."));
        }

        return new SafetensorsTensorInfo(name, dtype, shape, begin, endOffset, elementCount);
    }

    private static long[] ReadNonNegativeIntegers(JsonElement element, string path, string name, string field)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw Error(path, name, $"tensor '{name}' has a \"{field}\" that is {Describe(element.ValueKind)}, not an array of integers.");
        }

        var values = new long[element.GetArrayLength()];
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var value) || value < 0)
            {
                throw Error(path, name, $"tensor '{name}' has a \"{field}\" entry {item.GetRawText()} that is not a non-negative integer.");
            }

            values[i++] = value;
        }

        return values;
    }

    private static SafetensorsFormatException DuplicateField(string path, string name, string field) =>
        Error(path, name, $"tensor '{name}' has the field \"{field}\" more than once.");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "undefined",
    };
}
