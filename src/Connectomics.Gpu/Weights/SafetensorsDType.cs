namespace Connectomics.Gpu.Weights;

/// <summary>
/// The element types a safetensors file can declare. Each member maps to one exact format string in the header:
/// <see cref="Bool"/> is
/// <c>"BOOL"</c>, <see cref="F8E5M2"/> is <c>"F8_E5M2"</c>, and every other member is spelled as its name.
/// </summary>
/// <remarks>
/// Members are declared in the order the reference implementation declares them (increasing alignment). Data is
/// little-endian in every case.
/// </remarks>
public enum SafetensorsDType
{
    /// <summary>Boolean, one byte per element (<c>"BOOL"</c>).</summary>
    Bool,

    /// <summary>Unsigned 8-bit integer (<c>"U8"</c>).</summary>
    U8,

    /// <summary>Signed 8-bit integer (<c>"I8"</c>).</summary>
    I8,

    /// <summary>8-bit float with 5 exponent and 2 mantissa bits (<c>"F8_E5M2"</c>).</summary>
    F8E5M2,

    /// <summary>8-bit float with 4 exponent and 3 mantissa bits (<c>"F8_E4M3"</c>).</summary>
    F8E4M3,

    /// <summary>Signed 16-bit integer (<c>"I16"</c>).</summary>
    I16,

    /// <summary>Unsigned 16-bit integer (<c>"U16"</c>).</summary>
    U16,

    /// <summary>IEEE 754 half-precision float (<c>"F16"</c>).</summary>
    F16,

    /// <summary>bfloat16: the upper half of an IEEE 754 single-precision float (<c>"BF16"</c>).</summary>
    BF16,

    /// <summary>Signed 32-bit integer (<c>"I32"</c>).</summary>
    I32,

    /// <summary>Unsigned 32-bit integer (<c>"U32"</c>).</summary>
    U32,

    /// <summary>IEEE 754 single-precision float (<c>"F32"</c>).</summary>
    F32,

    /// <summary>IEEE 754 double-precision float (<c>"F64"</c>).</summary>
    F64,

    /// <summary>Signed 64-bit integer (<c>"I64"</c>).</summary>
    I64,

    /// <summary>Unsigned 64-bit integer (<c>"U64"</c>).</summary>
    U64,
}
