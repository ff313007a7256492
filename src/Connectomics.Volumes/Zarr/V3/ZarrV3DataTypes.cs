using Connectomics.Volumes.Data;

namespace Connectomics.Volumes.Zarr.V3;

/// <summary>The <c>data_type</c> names of Zarr v3's core types.</summary>
internal static class ZarrV3DataTypes
{
    public static string Name(VoxelType type) => type switch
    {
        VoxelType.Bool => "bool",
        VoxelType.Int8 => "int8",
        VoxelType.UInt8 => "uint8",
        VoxelType.Int16 => "int16",
        VoxelType.UInt16 => "uint16",
        VoxelType.Int32 => "int32",
        VoxelType.UInt32 => "uint32",
        VoxelType.Int64 => "int64",
        VoxelType.UInt64 => "uint64",
        VoxelType.Float16 => "float16",
        VoxelType.Float32 => "float32",
        VoxelType.Float64 => "float64",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a voxel type."),
    };

    public static VoxelType? Parse(string name) => name switch
    {
        "bool" => VoxelType.Bool,
        "int8" => VoxelType.Int8,
        "uint8" => VoxelType.UInt8,
        "int16" => VoxelType.Int16,
        "uint16" => VoxelType.UInt16,
        "int32" => VoxelType.Int32,
        "uint32" => VoxelType.UInt32,
        "int64" => VoxelType.Int64,
        "uint64" => VoxelType.UInt64,
        "float16" => VoxelType.Float16,
        "float32" => VoxelType.Float32,
        "float64" => VoxelType.Float64,
        _ => null,
    };
}
