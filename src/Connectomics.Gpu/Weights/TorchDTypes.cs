using TorchSharp;

namespace Connectomics.Gpu.Weights;

/// <summary>Maps safetensors dtypes to TorchSharp scalar types and back.</summary>
internal static class TorchDTypes
{
    /// <summary>The TorchSharp type for <paramref name="dtype"/>; U16, U32, U64 and the FP8 types have none.</summary>
    internal static bool TryToScalarType(SafetensorsDType dtype, out torch.ScalarType scalarType)
    {
        torch.ScalarType? mapped = dtype switch
        {
            SafetensorsDType.Bool => torch.ScalarType.Bool,
            SafetensorsDType.U8 => torch.ScalarType.Byte,
            SafetensorsDType.I8 => torch.ScalarType.Int8,
            SafetensorsDType.I16 => torch.ScalarType.Int16,
            SafetensorsDType.I32 => torch.ScalarType.Int32,
            SafetensorsDType.I64 => torch.ScalarType.Int64,
            SafetensorsDType.F16 => torch.ScalarType.Float16,
            SafetensorsDType.BF16 => torch.ScalarType.BFloat16,
            SafetensorsDType.F32 => torch.ScalarType.Float32,
            SafetensorsDType.F64 => torch.ScalarType.Float64,
            _ => null,
        };
        scalarType = mapped.GetValueOrDefault();
        return mapped.HasValue;
    }

    /// <summary>The safetensors dtype for <paramref name="scalarType"/>; complex and quantized types have none.</summary>
    internal static bool TryFromScalarType(torch.ScalarType scalarType, out SafetensorsDType dtype)
    {
        SafetensorsDType? mapped = scalarType switch
        {
            torch.ScalarType.Bool => SafetensorsDType.Bool,
            torch.ScalarType.Byte => SafetensorsDType.U8,
            torch.ScalarType.Int8 => SafetensorsDType.I8,
            torch.ScalarType.Int16 => SafetensorsDType.I16,
            torch.ScalarType.Int32 => SafetensorsDType.I32,
            torch.ScalarType.Int64 => SafetensorsDType.I64,
            torch.ScalarType.Float16 => SafetensorsDType.F16,
            torch.ScalarType.BFloat16 => SafetensorsDType.BF16,
            torch.ScalarType.Float32 => SafetensorsDType.F32,
            torch.ScalarType.Float64 => SafetensorsDType.F64,
            _ => null,
        };
        dtype = mapped.GetValueOrDefault();
        return mapped.HasValue;
    }

    internal static bool IsFloatingPoint(SafetensorsDType dtype) =>
        dtype is SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.F32 or SafetensorsDType.F64
            or SafetensorsDType.F8E4M3 or SafetensorsDType.F8E5M2;

    internal static bool IsFloatingOrComplex(torch.ScalarType scalarType) =>
        scalarType is torch.ScalarType.Float16 or torch.ScalarType.BFloat16 or torch.ScalarType.Float32
            or torch.ScalarType.Float64 or torch.ScalarType.ComplexFloat32 or torch.ScalarType.ComplexFloat64;
}
