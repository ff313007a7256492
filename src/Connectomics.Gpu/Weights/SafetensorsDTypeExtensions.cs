using System.Diagnostics.CodeAnalysis;

namespace Connectomics.Gpu.Weights;

/// <summary>Element sizes and header spellings of <see cref="SafetensorsDType"/> values.</summary>
internal static class SafetensorsDTypeExtensions
{
    /// <summary>Gets the size in bytes of one element of <paramref name="dtype"/>.</summary>
    /// <param name="dtype">The element type.</param>
    /// <returns>1, 2, 4 or 8.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a defined member.</exception>
    public static int GetElementSize(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool or SafetensorsDType.U8 or SafetensorsDType.I8
            or SafetensorsDType.F8E5M2 or SafetensorsDType.F8E4M3 => 1,
        SafetensorsDType.I16 or SafetensorsDType.U16 or SafetensorsDType.F16 or SafetensorsDType.BF16 => 2,
        SafetensorsDType.I32 or SafetensorsDType.U32 or SafetensorsDType.F32 => 4,
        SafetensorsDType.F64 or SafetensorsDType.I64 or SafetensorsDType.U64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype."),
    };

    /// <summary>Gets the exact string that stands for <paramref name="dtype"/> in a safetensors header.</summary>
    /// <param name="dtype">The element type.</param>
    /// <returns>For example <c>"F32"</c>, <c>"BOOL"</c> or <c>"F8_E4M3"</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a defined member.</exception>
    public static string ToFormatString(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool => "BOOL",
        SafetensorsDType.U8 => "U8",
        SafetensorsDType.I8 => "I8",
        SafetensorsDType.F8E5M2 => "F8_E5M2",
        SafetensorsDType.F8E4M3 => "F8_E4M3",
        SafetensorsDType.I16 => "I16",
        SafetensorsDType.U16 => "U16",
        SafetensorsDType.F16 => "F16",
        SafetensorsDType.BF16 => "BF16",
        SafetensorsDType.I32 => "I32",
        SafetensorsDType.U32 => "U32",
        SafetensorsDType.F32 => "F32",
        SafetensorsDType.F64 => "F64",
        SafetensorsDType.I64 => "I64",
        SafetensorsDType.U64 => "U64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype."),
    };

    /// <summary>
    /// Parses a header dtype string. The match is exact and case-sensitive, as in the format: <c>"f32"</c> is not
    /// a dtype.
    /// </summary>
    /// <param name="value">The string from the header.</param>
    /// <param name="dtype">The parsed element type, when the method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> names a dtype this library knows.</returns>
    public static bool TryParseFormatString([NotNullWhen(true)] string? value, out SafetensorsDType dtype)
    {
        switch (value)
        {
            case "BOOL": dtype = SafetensorsDType.Bool; return true;
            case "U8": dtype = SafetensorsDType.U8; return true;
            case "I8": dtype = SafetensorsDType.I8; return true;
            case "F8_E5M2": dtype = SafetensorsDType.F8E5M2; return true;
            case "F8_E4M3": dtype = SafetensorsDType.F8E4M3; return true;
            case "I16": dtype = SafetensorsDType.I16; return true;
            case "U16": dtype = SafetensorsDType.U16; return true;
            case "F16": dtype = SafetensorsDType.F16; return true;
            case "BF16": dtype = SafetensorsDType.BF16; return true;
            case "I32": dtype = SafetensorsDType.I32; return true;
            case "U32": dtype = SafetensorsDType.U32; return true;
            case "F32": dtype = SafetensorsDType.F32; return true;
            case "F64": dtype = SafetensorsDType.F64; return true;
            case "I64": dtype = SafetensorsDType.I64; return true;
            case "U64": dtype = SafetensorsDType.U64; return true;
            default: dtype = default; return false;
        }
    }

    /// <summary>
    /// The position of <paramref name="dtype"/> in the reference implementation's dtype order (increasing
    /// alignment). Its writer puts tensors with a higher rank first, then orders by name.
    /// </summary>
    internal static int GetWriterRank(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool => 0,
        SafetensorsDType.U8 => 1,
        SafetensorsDType.I8 => 2,
        SafetensorsDType.F8E5M2 => 3,
        SafetensorsDType.F8E4M3 => 4,
        SafetensorsDType.I16 => 5,
        SafetensorsDType.U16 => 6,
        SafetensorsDType.F16 => 7,
        SafetensorsDType.BF16 => 8,
        SafetensorsDType.I32 => 9,
        SafetensorsDType.U32 => 10,
        SafetensorsDType.F32 => 11,
        SafetensorsDType.F64 => 12,
        SafetensorsDType.I64 => 13,
        SafetensorsDType.U64 => 14,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype."),
    };
}
