using System.Buffers.Binary;
using Connectomics.Volumes.Data;

namespace Connectomics.Volumes.Pipelines;

/// <summary>Reads voxel values of any <see cref="VoxelType"/> from raw little-endian bytes, as doubles.</summary>
internal static class VoxelValues
{
    /// <summary>Gets the number of elements in <paramref name="byteCount"/> bytes.</summary>
    public static int Count(int byteCount, VoxelType type) => byteCount / type.ByteSize();

    /// <summary>Reads element <paramref name="index"/>.</summary>
    public static double Read(ReadOnlySpan<byte> bytes, int index, VoxelType type)
    {
        var size = type.ByteSize();
        var at = bytes.Slice(index * size, size);
        return type switch
        {
            VoxelType.Bool => at[0] != 0 ? 1 : 0,
            VoxelType.Int8 => (sbyte)at[0],
            VoxelType.UInt8 => at[0],
            VoxelType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(at),
            VoxelType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(at),
            VoxelType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(at),
            VoxelType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(at),
            VoxelType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(at),
            VoxelType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(at),
            VoxelType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(at),
            VoxelType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(at),
            VoxelType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(at),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a voxel type."),
        };
    }
}
