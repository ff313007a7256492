using System.Buffers.Binary;
using Connectomics.Volumes.Data;

namespace Connectomics.Volumes.Tests.Zarr.V2;

/// <summary>Deterministic test content: distinct, compressible values of any voxel type, little-endian, C order.</summary>
internal static class TestVolumes
{
    /// <summary>Element <c>i</c> is a function of <c>i</c> and the seed; elements whose leading index is below
    /// <paramref name="fillRows"/> get <paramref name="fill"/> instead.</summary>
    public static byte[] Values(VoxelType type, IReadOnlyList<long> shape, int seed, ReadOnlySpan<byte> fill, long fillRows = 0)
    {
        var size = type.ByteSize();
        var count = shape.Aggregate(1L, (p, e) => p * e);
        var perRow = shape.Count == 0 ? 1 : count / Math.Max(1, shape[0]);
        var bytes = new byte[count * size];
        var random = new Random(seed);
        for (long i = 0; i < count; i++)
        {
            var target = bytes.AsSpan((int)(i * size), size);
            if (i / perRow < fillRows)
            {
                fill.CopyTo(target);
                continue;
            }

            var v = (i * 7) + random.Next(0, 5);
            switch (type)
            {
                case VoxelType.Bool: target[0] = (byte)(v & 1); break;
                case VoxelType.Int8: target[0] = unchecked((byte)(sbyte)((v % 200) - 100)); break;
                case VoxelType.UInt8: target[0] = (byte)(v % 251); break;
                case VoxelType.Int16: BinaryPrimitives.WriteInt16LittleEndian(target, (short)((v % 60000) - 30000)); break;
                case VoxelType.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(target, (ushort)(v % 65000)); break;
                case VoxelType.Int32: BinaryPrimitives.WriteInt32LittleEndian(target, (int)(v * 9973) - 1_000_000); break;
                case VoxelType.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(target, (uint)(v * 104729)); break;
                case VoxelType.Int64: BinaryPrimitives.WriteInt64LittleEndian(target, (v * 1_000_000_007L) - (1L << 60)); break;
                case VoxelType.UInt64: BinaryPrimitives.WriteUInt64LittleEndian(target, ulong.MaxValue - (ulong)(v * 1_000_000_007L)); break;
                case VoxelType.Float16: BinaryPrimitives.WriteHalfLittleEndian(target, (Half)((v % 4000) * 0.25)); break;
                case VoxelType.Float32: BinaryPrimitives.WriteSingleLittleEndian(target, (v * 0.37f) - 100f); break;
                default: BinaryPrimitives.WriteDoubleLittleEndian(target, (v * 0.3701) - 1e3); break;
            }
        }

        return bytes;
    }
}
