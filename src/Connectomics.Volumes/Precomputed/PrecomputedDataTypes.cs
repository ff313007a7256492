using Connectomics.Volumes.Data;

namespace Connectomics.Volumes.Precomputed;

/// <summary>The <c>data_type</c> names of a precomputed <c>info</c> file and the voxel types they stand for.</summary>
internal static class PrecomputedDataTypes
{
    /// <summary>Gets the voxel type of a <c>data_type</c> name (case-insensitive, as Neuroglancer reads it).</summary>
    public static VoxelType? Parse(string name) => name.ToUpperInvariant() switch
    {
        "UINT8" => VoxelType.UInt8,
        "INT8" => VoxelType.Int8,
        "UINT16" => VoxelType.UInt16,
        "INT16" => VoxelType.Int16,
        "UINT32" => VoxelType.UInt32,
        "INT32" => VoxelType.Int32,
        "UINT64" => VoxelType.UInt64,
        "INT64" => VoxelType.Int64,
        "FLOAT32" => VoxelType.Float32,
        "FLOAT64" => VoxelType.Float64,
        _ => null,
    };

    /// <summary>Gets the <c>data_type</c> name of a voxel type, or <see langword="null"/> when precomputed has none.</summary>
    public static string? NameOf(VoxelType type) => type switch
    {
        VoxelType.UInt8 => "uint8",
        VoxelType.Int8 => "int8",
        VoxelType.UInt16 => "uint16",
        VoxelType.Int16 => "int16",
        VoxelType.UInt32 => "uint32",
        VoxelType.Int32 => "int32",
        VoxelType.UInt64 => "uint64",
        VoxelType.Int64 => "int64",
        VoxelType.Float32 => "float32",
        VoxelType.Float64 => "float64",
        _ => null,
    };
}
