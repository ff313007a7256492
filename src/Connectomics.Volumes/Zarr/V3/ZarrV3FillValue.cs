using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using Connectomics.Volumes.Data;

namespace Connectomics.Volumes.Zarr.V3;

/// <summary>
/// Reads and writes <c>fill_value</c>: a JSON number for integers, <c>true</c>/<c>false</c> for bool, and for floats a
/// number, <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c> or the bit pattern as a hex string (<c>"0x7fc00000"</c>).
/// The value is kept as one little-endian element.
/// </summary>
internal static class ZarrV3FillValue
{
    /// <summary>Parses a fill value; null (which some writers store for "none given") reads as zero.</summary>
    /// <returns>The element, or null with <paramref name="error"/> set when the value does not fit the type.</returns>
    public static byte[]? Parse(JsonNode? node, VoxelType type, out string? error)
    {
        error = null;
        var bytes = new byte[type.ByteSize()];
        if (node is null)
        {
            return bytes;
        }

        if (node is not JsonValue value)
        {
            error = $"'{node.ToJsonString()}' is not a scalar";
            return null;
        }

        var kind = value.GetValueKind();
        if (type == VoxelType.Bool)
        {
            if (kind is JsonValueKind.True or JsonValueKind.False)
            {
                bytes[0] = kind == JsonValueKind.True ? (byte)1 : (byte)0;
                return bytes;
            }

            error = $"{value.ToJsonString()} is not true or false";
            return null;
        }

        if (type.IsFloatingPoint())
        {
            return ParseFloat(value, kind, type, bytes, out error);
        }

        if (kind != JsonValueKind.Number)
        {
            error = $"{value.ToJsonString()} is not an integer";
            return null;
        }

        var element = value.GetValue<JsonElement>();
        var fits = type switch
        {
            VoxelType.Int8 => element.TryGetSByte(out var v) && Write(bytes, (byte)v),
            VoxelType.UInt8 => element.TryGetByte(out var v) && Write(bytes, v),
            VoxelType.Int16 => element.TryGetInt16(out var v) && Write16(bytes, (ushort)v),
            VoxelType.UInt16 => element.TryGetUInt16(out var v) && Write16(bytes, v),
            VoxelType.Int32 => element.TryGetInt32(out var v) && Write32(bytes, (uint)v),
            VoxelType.UInt32 => element.TryGetUInt32(out var v) && Write32(bytes, v),
            VoxelType.Int64 => element.TryGetInt64(out var v) && Write64(bytes, (ulong)v),
            VoxelType.UInt64 => element.TryGetUInt64(out var v) && Write64(bytes, v),
            _ => false,
        };
        if (!fits)
        {
            error = $"{value.ToJsonString()} is not a {ZarrV3DataTypes.Name(type)} value";
            return null;
        }

        return bytes;
    }

    /// <summary>Formats a fill value for <c>zarr.json</c>.</summary>
    /// <exception cref="ArgumentException">The value does not fit the type.</exception>
    public static JsonNode Format(double value, VoxelType type)
    {
        if (type == VoxelType.Bool)
        {
            return value switch
            {
                0 => JsonValue.Create(false),
                1 => JsonValue.Create(true),
                _ => throw new ArgumentException($"The fill value {value} is not a bool (0 or 1).", nameof(value)),
            };
        }

        if (type.IsFloatingPoint())
        {
            return double.IsNaN(value) ? JsonValue.Create("NaN")
                : double.IsPositiveInfinity(value) ? JsonValue.Create("Infinity")
                : double.IsNegativeInfinity(value) ? JsonValue.Create("-Infinity")
                : JsonValue.Create(value);
        }

        var (minimum, maximum) = type switch
        {
            VoxelType.Int8 => ((double)sbyte.MinValue, (double)sbyte.MaxValue),
            VoxelType.UInt8 => (0d, byte.MaxValue),
            VoxelType.Int16 => (short.MinValue, short.MaxValue),
            VoxelType.UInt16 => (0d, ushort.MaxValue),
            VoxelType.Int32 => (int.MinValue, int.MaxValue),
            VoxelType.UInt32 => (0d, uint.MaxValue),
            VoxelType.Int64 => (-9.2233720368547758E18, 9.2233720368547748E18),
            _ => (0d, 1.8446744073709550E19),
        };
        if (double.IsNaN(value) || value != Math.Floor(value) || value < minimum || value > maximum)
        {
            throw new ArgumentException($"The fill value {value} is not a {ZarrV3DataTypes.Name(type)} value.", nameof(value));
        }

        return type == VoxelType.UInt64 ? JsonValue.Create((ulong)value) : JsonValue.Create((long)value);
    }

    private static byte[]? ParseFloat(JsonValue value, JsonValueKind kind, VoxelType type, byte[] bytes, out string? error)
    {
        error = null;
        double number;
        if (kind == JsonValueKind.Number)
        {
            number = value.GetValue<double>();
        }
        else if (kind == JsonValueKind.String)
        {
            var text = value.GetValue<string>();
            if (ZarrFillValue.TryParseBitPattern(text, bytes))
            {
                return bytes;
            }

            if (!ZarrFillValue.TryParseNonFinite(text, out number))
            {
                error = $"\"{text}\" is not a number, \"NaN\", \"Infinity\", \"-Infinity\" or a {2 * bytes.Length}-digit hex bit pattern";
                return null;
            }
        }
        else
        {
            error = $"{value.ToJsonString()} is not a number";
            return null;
        }

        ZarrFillValue.WriteFloat(bytes, type, number);
        return bytes;
    }

    private static bool Write(byte[] bytes, byte value)
    {
        bytes[0] = value;
        return true;
    }

    private static bool Write16(byte[] bytes, ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return true;
    }

    private static bool Write32(byte[] bytes, uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return true;
    }

    private static bool Write64(byte[] bytes, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return true;
    }
}
