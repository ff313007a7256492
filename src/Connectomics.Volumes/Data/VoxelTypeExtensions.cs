namespace Connectomics.Volumes.Data;

/// <summary>Sizes and CLR types of <see cref="VoxelType"/>s.</summary>
public static class VoxelTypeExtensions
{
    /// <summary>Gets the size of one element, in bytes.</summary>
    /// <param name="type">The element type.</param>
    /// <returns>1, 2, 4 or 8.</returns>
    public static int ByteSize(this VoxelType type) => type switch
    {
        VoxelType.Bool or VoxelType.Int8 or VoxelType.UInt8 => 1,
        VoxelType.Int16 or VoxelType.UInt16 or VoxelType.Float16 => 2,
        VoxelType.Int32 or VoxelType.UInt32 or VoxelType.Float32 => 4,
        VoxelType.Int64 or VoxelType.UInt64 or VoxelType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a voxel type."),
    };

    /// <summary>Gets the CLR type whose values an element holds.</summary>
    /// <param name="type">The element type.</param>
    /// <returns>The CLR type (<see cref="bool"/> for <see cref="VoxelType.Bool"/>).</returns>
    public static Type ClrType(this VoxelType type) => type switch
    {
        VoxelType.Bool => typeof(bool),
        VoxelType.Int8 => typeof(sbyte),
        VoxelType.UInt8 => typeof(byte),
        VoxelType.Int16 => typeof(short),
        VoxelType.UInt16 => typeof(ushort),
        VoxelType.Int32 => typeof(int),
        VoxelType.UInt32 => typeof(uint),
        VoxelType.Int64 => typeof(long),
        VoxelType.UInt64 => typeof(ulong),
        VoxelType.Float16 => typeof(Half),
        VoxelType.Float32 => typeof(float),
        VoxelType.Float64 => typeof(double),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a voxel type."),
    };

    /// <summary>Gets whether the type is a floating-point type.</summary>
    /// <param name="type">The element type.</param>
    /// <returns><see langword="true"/> for <see cref="VoxelType.Float16"/>, <see cref="VoxelType.Float32"/> and
    /// <see cref="VoxelType.Float64"/>.</returns>
    public static bool IsFloatingPoint(this VoxelType type) => type is VoxelType.Float16 or VoxelType.Float32 or VoxelType.Float64;

    /// <summary>Gets whether the type is an unsigned integer type (or <see cref="VoxelType.Bool"/>).</summary>
    /// <param name="type">The element type.</param>
    /// <returns><see langword="true"/> for the unsigned types.</returns>
    public static bool IsUnsigned(this VoxelType type) => type is VoxelType.Bool or VoxelType.UInt8 or VoxelType.UInt16 or VoxelType.UInt32 or VoxelType.UInt64;
}
