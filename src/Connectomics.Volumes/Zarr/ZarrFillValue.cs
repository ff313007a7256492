using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;

namespace Connectomics.Volumes.Zarr;

/// <summary>
/// The <c>fill_value</c> of Zarr metadata as one little-endian element: JSON numbers (integers exact to 64 bits),
/// <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>, <c>true</c>/<c>false</c> for booleans and, in Zarr v3, hex bit
/// patterns (<c>"0x7fc00000"</c>) for floating-point types.
/// </summary>
internal static class ZarrFillValue
{
    /// <summary>Parses a <c>fill_value</c>.</summary>
    /// <param name="value">The JSON value.</param>
    /// <param name="type">The element type.</param>
    /// <param name="allowBitPatterns">Whether hex bit patterns are accepted for floating-point types (Zarr v3).</param>
    /// <param name="location">The metadata file, as the error names it.</param>
    /// <returns>The element, little-endian; <see langword="null"/> for JSON <c>null</c> (no fill value).</returns>
    /// <exception cref="VolumeFormatException">The value is not one the type can hold.</exception>
    public static byte[]? Parse(JsonElement value, VoxelType type, bool allowBitPatterns, string location)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var bytes = new byte[type.ByteSize()];
        if (type == VoxelType.Bool)
        {
            bytes[0] = value.ValueKind switch
            {
                JsonValueKind.True => 1,
                JsonValueKind.False => 0,
                JsonValueKind.Number when value.TryGetInt64(out var number) && number is 0 or 1 => (byte)number,
                _ => throw Invalid(location, value, type),
            };
            return bytes;
        }

        if (type.IsFloatingPoint())
        {
            double number;
            if (value.ValueKind == JsonValueKind.Number)
            {
                number = value.GetDouble();
            }
            else if (value.ValueKind == JsonValueKind.String)
            {
                var text = value.GetString()!;
                if (allowBitPatterns && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                {
                    if (!TryParseBitPattern(text, bytes))
                    {
                        throw new VolumeFormatException(location, $"fill_value \"{text}\" is not a bit pattern of {bytes.Length * 8} bits ({2 * bytes.Length} hex digits after 0x) for {type}.");
                    }

                    return bytes;
                }

                if (!TryParseNonFinite(text, out number))
                {
                    throw Invalid(location, value, type);
                }
            }
            else
            {
                throw Invalid(location, value, type);
            }

            WriteFloat(bytes, type, number);
            return bytes;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw Invalid(location, value, type);
        }

        if (type.IsUnsigned())
        {
            if (!value.TryGetUInt64(out var unsigned) && !TryIntegral(value, out unsigned))
            {
                throw Invalid(location, value, type);
            }

            if (bytes.Length < 8 && unsigned >> (bytes.Length * 8) != 0)
            {
                throw Invalid(location, value, type);
            }

            WriteInteger(bytes, unsigned);
            return bytes;
        }

        if (!value.TryGetInt64(out var signed))
        {
            if (!TryIntegral(value, out var asUnsigned) || asUnsigned > long.MaxValue)
            {
                throw Invalid(location, value, type);
            }

            signed = (long)asUnsigned;
        }

        var bits64 = bytes.Length * 8;
        if (bits64 < 64 && (signed < -(1L << (bits64 - 1)) || signed >= 1L << (bits64 - 1)))
        {
            throw Invalid(location, value, type);
        }

        WriteInteger(bytes, unchecked((ulong)signed));
        return bytes;
    }

    /// <summary>Converts a number to one element of <paramref name="type"/>.</summary>
    /// <param name="value">The number.</param>
    /// <param name="type">The element type.</param>
    /// <returns>The element, little-endian.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An integer type cannot hold the number exactly.</exception>
    public static byte[] FromDouble(double value, VoxelType type)
    {
        var bytes = new byte[type.ByteSize()];
        if (type.IsFloatingPoint())
        {
            WriteFloat(bytes, type, value);
            return bytes;
        }

        if (double.IsNaN(value) || double.IsInfinity(value) || Math.Round(value) != value)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"The fill value of a {type} array is an integer.");
        }

        if (type == VoxelType.Bool)
        {
            bytes[0] = value switch
            {
                0 => 0,
                1 => 1,
                _ => throw new ArgumentOutOfRangeException(nameof(value), value, "The fill value of a Bool array is 0 or 1."),
            };
            return bytes;
        }

        var bits = bytes.Length * 8;
        var (min, max) = type.IsUnsigned()
            ? (0d, Math.Pow(2, bits) - 1)
            : (-Math.Pow(2, bits - 1), Math.Pow(2, bits - 1) - 1);
        if (value < min || value > max || (bits == 64 && Math.Abs(value) >= Math.Pow(2, 63) && !(type.IsUnsigned() && value < Math.Pow(2, 64))))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"A {type} cannot hold the fill value.");
        }

        WriteInteger(bytes, type.IsUnsigned() ? (ulong)value : unchecked((ulong)(long)value));
        return bytes;
    }

    /// <summary>Writes a fill value as a JSON value: an exact integer, a shortest round-trip number, <c>"NaN"</c>,
    /// <c>"Infinity"</c>, <c>"-Infinity"</c>, <c>true</c>/<c>false</c>.</summary>
    /// <param name="writer">The JSON writer.</param>
    /// <param name="fill">One little-endian element.</param>
    /// <param name="type">The element type.</param>
    /// <param name="allowBitPatterns">Whether a NaN with another bit pattern than the canonical one is written as a hex
    /// bit pattern (Zarr v3); otherwise it is written <c>"NaN"</c>.</param>
    public static void Write(Utf8JsonWriter writer, ReadOnlySpan<byte> fill, VoxelType type, bool allowBitPatterns)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (type)
        {
            case VoxelType.Bool:
                writer.WriteBooleanValue(fill[0] != 0);
                return;
            case VoxelType.Int8:
                writer.WriteNumberValue((sbyte)fill[0]);
                return;
            case VoxelType.UInt8:
                writer.WriteNumberValue(fill[0]);
                return;
            case VoxelType.Int16:
                writer.WriteNumberValue(BinaryPrimitives.ReadInt16LittleEndian(fill));
                return;
            case VoxelType.UInt16:
                writer.WriteNumberValue(BinaryPrimitives.ReadUInt16LittleEndian(fill));
                return;
            case VoxelType.Int32:
                writer.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(fill));
                return;
            case VoxelType.UInt32:
                writer.WriteNumberValue(BinaryPrimitives.ReadUInt32LittleEndian(fill));
                return;
            case VoxelType.Int64:
                writer.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(fill));
                return;
            case VoxelType.UInt64:
                writer.WriteNumberValue(BinaryPrimitives.ReadUInt64LittleEndian(fill));
                return;
            default:
                break;
        }

        var (value, bits, canonicalNaN) = type switch
        {
            VoxelType.Float16 => ((double)BinaryPrimitives.ReadHalfLittleEndian(fill), BinaryPrimitives.ReadUInt16LittleEndian(fill), (ulong)BitConverter.HalfToUInt16Bits(Half.NaN)),
            VoxelType.Float32 => (BinaryPrimitives.ReadSingleLittleEndian(fill), BinaryPrimitives.ReadUInt32LittleEndian(fill), BitConverter.SingleToUInt32Bits(float.NaN)),
            VoxelType.Float64 => (BinaryPrimitives.ReadDoubleLittleEndian(fill), BinaryPrimitives.ReadUInt64LittleEndian(fill), BitConverter.DoubleToUInt64Bits(double.NaN)),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a voxel type."),
        };
        if (double.IsNaN(value))
        {
            // .NET's NaN is negative (sign bit set); NumPy's and the Zarr specification's canonical NaN is not: both read as "NaN".
            var positiveCanonical = canonicalNaN & ~(1UL << ((fill.Length * 8) - 1));
            if (allowBitPatterns && bits != canonicalNaN && bits != positiveCanonical)
            {
                writer.WriteStringValue("0x" + bits.ToString("x" + (2 * fill.Length).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
            }
            else
            {
                writer.WriteStringValue("NaN");
            }
        }
        else if (double.IsPositiveInfinity(value))
        {
            writer.WriteStringValue("Infinity");
        }
        else if (double.IsNegativeInfinity(value))
        {
            writer.WriteStringValue("-Infinity");
        }
        else
        {
            writer.WriteNumberValue(value);
        }
    }

    /// <summary>Parses the JSON string Zarr metadata writes for a floating-point value JSON numbers cannot hold.</summary>
    /// <param name="text">The string: <c>"NaN"</c>, <c>"Infinity"</c> or <c>"-Infinity"</c>.</param>
    /// <param name="value">The value it stands for.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is one of the three.</returns>
    public static bool TryParseNonFinite(string text, out double value)
    {
        switch (text)
        {
            case "NaN":
                value = double.NaN;
                return true;
            case "Infinity":
                value = double.PositiveInfinity;
                return true;
            case "-Infinity":
                value = double.NegativeInfinity;
                return true;
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>Parses a Zarr v3 hex bit pattern (<c>"0x7fc00000"</c>, most significant digit first) into one element.</summary>
    /// <param name="text">The string: <c>0x</c> then two hex digits per byte of the element.</param>
    /// <param name="element">Receives the element, little-endian; 2, 4 or 8 bytes.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is such a pattern for an element of that size.</returns>
    public static bool TryParseBitPattern(string text, Span<byte> element)
    {
        if (!text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            || text.Length != 2 + (2 * element.Length)
            || !ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bits))
        {
            return false;
        }

        WriteInteger(element, bits);
        return true;
    }

    /// <summary>
    /// Writes a number as one floating-point element; NaN is written as the quiet NaN with the sign bit clear, as NumPy
    /// and other Zarr writers store it (.NET's NaN has it set).
    /// </summary>
    /// <param name="element">Receives the element, little-endian.</param>
    /// <param name="type"><see cref="VoxelType.Float16"/>, <see cref="VoxelType.Float32"/> or <see cref="VoxelType.Float64"/>.</param>
    /// <param name="value">The number, rounded to <paramref name="type"/>.</param>
    public static void WriteFloat(Span<byte> element, VoxelType type, double value)
    {
        switch (type)
        {
            case VoxelType.Float16:
                BinaryPrimitives.WriteHalfLittleEndian(element, double.IsNaN(value) ? BitConverter.UInt16BitsToHalf(0x7e00) : (Half)value);
                break;
            case VoxelType.Float32:
                BinaryPrimitives.WriteSingleLittleEndian(element, double.IsNaN(value) ? BitConverter.UInt32BitsToSingle(0x7fc00000) : (float)value);
                break;
            default:
                BinaryPrimitives.WriteDoubleLittleEndian(element, double.IsNaN(value) ? BitConverter.UInt64BitsToDouble(0x7ff8000000000000) : value);
                break;
        }
    }

    private static bool TryIntegral(JsonElement value, out ulong result)
    {
        // Numbers written as 5.0 or 1e3 by other writers: integral and in range.
        result = 0;
        if (!decimal.TryParse(value.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || number != decimal.Truncate(number) || number < 0 || number > ulong.MaxValue)
        {
            return false;
        }

        result = (ulong)number;
        return true;
    }

    private static void WriteInteger(Span<byte> bytes, ulong value)
    {
        Span<byte> all = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(all, value);
        all[..bytes.Length].CopyTo(bytes);
    }

    private static VolumeFormatException Invalid(string location, JsonElement value, VoxelType type) =>
        new(location, $"fill_value {value.GetRawText()} is not a value of {type}.");
}
