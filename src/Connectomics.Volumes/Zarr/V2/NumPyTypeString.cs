using Connectomics.Volumes.Data;
using Connectomics.Volumes.Errors;

namespace Connectomics.Volumes.Zarr.V2;

/// <summary>
/// NumPy's array-interface type strings as <c>.zarray</c> spells <c>dtype</c>: a byte-order character (<c>&lt;</c>
/// little, <c>&gt;</c> big, <c>|</c> not applicable, <c>=</c> native), a kind (<c>b</c> bool, <c>i</c> signed,
/// <c>u</c> unsigned, <c>f</c> floating point) and a size in bytes: <c>&lt;u2</c>, <c>&gt;f8</c>, <c>|u1</c>, <c>|b1</c>.
/// </summary>
internal static class NumPyTypeString
{
    /// <summary>Parses a type string.</summary>
    /// <param name="text">The type string.</param>
    /// <param name="location">The metadata file, as errors name it.</param>
    /// <returns>The element type and the byte order its elements are stored in.</returns>
    /// <exception cref="VolumeFeatureNotSupportedException">A NumPy type that is no voxel type (complex, datetime,
    /// timedelta, strings, objects, raw bytes).</exception>
    /// <exception cref="VolumeFormatException">Not a type string.</exception>
    public static (VoxelType Type, ByteOrder Order) Parse(string text, string location)
    {
        if (text.Length < 2 || text[0] is not ('<' or '>' or '|' or '='))
        {
            throw new VolumeFormatException(location, $"dtype \"{text}\" is not a NumPy type string such as \"<u2\" or \"|u1\".");
        }

        var kind = text[1];
        _ = int.TryParse(text.AsSpan(2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var size);
        VoxelType? type = (kind, size) switch
        {
            ('b', 1) => VoxelType.Bool,
            ('i', 1) => VoxelType.Int8,
            ('u', 1) => VoxelType.UInt8,
            ('i', 2) => VoxelType.Int16,
            ('u', 2) => VoxelType.UInt16,
            ('i', 4) => VoxelType.Int32,
            ('u', 4) => VoxelType.UInt32,
            ('i', 8) => VoxelType.Int64,
            ('u', 8) => VoxelType.UInt64,
            ('f', 2) => VoxelType.Float16,
            ('f', 4) => VoxelType.Float32,
            ('f', 8) => VoxelType.Float64,
            _ => null,
        };
        if (type is null)
        {
            var what = kind switch
            {
                'c' => "complex numbers",
                'M' or 'm' => "datetime and timedelta values",
                'S' or 'U' or 'a' => "strings",
                'O' => "Python objects",
                'V' => "raw bytes",
                'b' or 'i' or 'u' or 'f' when size > 0 => $"{size}-byte elements of kind '{kind}'",
                _ => null,
            };
            throw what is null
                ? new VolumeFormatException(location, $"dtype \"{text}\" is not a NumPy type string such as \"<u2\" or \"|u1\".")
                : new VolumeFeatureNotSupportedException(location, $"dtype \"{text}\"", $"{what} are not a voxel type.");
        }

        return (type.Value, text[0] == '>' ? ByteOrder.Big : ByteOrder.Little);
    }

    /// <summary>Formats a type string as NumPy does (<c>|</c> for 1-byte types).</summary>
    /// <param name="type">The element type.</param>
    /// <param name="order">The byte order of multi-byte elements.</param>
    /// <returns>The type string.</returns>
    public static string Format(VoxelType type, ByteOrder order)
    {
        var size = type.ByteSize();
        var kind = type switch
        {
            VoxelType.Bool => 'b',
            _ when type.IsFloatingPoint() => 'f',
            _ when type.IsUnsigned() => 'u',
            _ => 'i',
        };
        var byteOrder = size == 1 ? '|' : order == ByteOrder.Big ? '>' : '<';
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{byteOrder}{kind}{size}");
    }
}
