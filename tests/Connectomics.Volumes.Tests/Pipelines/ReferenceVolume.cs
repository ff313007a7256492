using System.Buffers.Binary;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;
using Connectomics.Volumes.Tests.Reading;

namespace Connectomics.Volumes.Tests.Pipelines;

/// <summary>A dense test volume and the rows a pipeline must make from it, computed by brute force over the whole array.</summary>
internal sealed class ReferenceVolume
{
    public ReferenceVolume(Index3 shape, Index3 chunk, VoxelType type, Func<long, long, long, double> value)
    {
        Shape = shape;
        Chunk = chunk;
        Type = type;
        var size = type.ByteSize();
        Bytes = new byte[shape.Volume * size];
        for (var z = 0L; z < shape.Z; z++)
        {
            for (var y = 0L; y < shape.Y; y++)
            {
                for (var x = 0L; x < shape.X; x++)
                {
                    Write(Bytes.AsSpan((int)(Offset(new Index3(z, y, x)) * size), size), type, value(z, y, x));
                }
            }
        }
    }

    public Index3 Shape { get; }

    public Index3 Chunk { get; }

    public VoxelType Type { get; }

    public byte[] Bytes { get; }

    /// <summary>An EM-like uint8 volume: values 1..255 with some zero (fill) voxels.</summary>
    public static ReferenceVolume UInt8(Index3 shape, Index3 chunk) =>
        new(shape, chunk, VoxelType.UInt8, (z, y, x) => ((z * 31) + (y * 17) + (x * 7) + (z * y * x)) % 13 == 0 ? 0 : ((z * 37) + (y * 11) + (x * 5)) % 255 + 1);

    public InMemoryChunkedArray Array() =>
        new(Shape.ToArray(), [(int)Chunk.Z, (int)Chunk.Y, (int)Chunk.X], Type, Bytes);

    public double At(Index3 voxel) =>
        Box3.FromShape(Shape).Contains(voxel) ? Value(Bytes.AsSpan((int)(Offset(voxel) * Type.ByteSize()), Type.ByteSize()), Type) : 0;

    /// <summary>The row's expected vector: mean over the box, max over the box grown by the model's context (outside = fill 0).</summary>
    public float[] Vector(Box3 box, VoxelNormalization normalization)
    {
        double sum = 0, max = double.NegativeInfinity;
        Visit(box, v => sum += MeanMaxModel.Normalised(At(v), normalization));
        Visit(box.Grow(Index3.All(MeanMaxModel.ContextVoxels)), v => max = Math.Max(max, MeanMaxModel.Normalised(At(v), normalization)));
        return [(float)(sum / box.VoxelCount), (float)max];
    }

    /// <summary>The share of the box's voxels that are not 0.</summary>
    public float Filled(Box3 box)
    {
        long filled = 0;
        Visit(box, v => filled += At(v) != 0 ? 1 : 0);
        return (float)((double)filled / box.VoxelCount);
    }

    public static double Value(ReadOnlySpan<byte> bytes, VoxelType type) => type switch
    {
        VoxelType.UInt8 => bytes[0],
        VoxelType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        VoxelType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(bytes),
        VoxelType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(bytes),
        VoxelType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    private static void Write(Span<byte> bytes, VoxelType type, double value)
    {
        switch (type)
        {
            case VoxelType.UInt8: bytes[0] = (byte)value; break;
            case VoxelType.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value); break;
            case VoxelType.Int16: BinaryPrimitives.WriteInt16LittleEndian(bytes, (short)value); break;
            case VoxelType.Float32: BinaryPrimitives.WriteSingleLittleEndian(bytes, (float)value); break;
            case VoxelType.Float64: BinaryPrimitives.WriteDoubleLittleEndian(bytes, value); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, null);
        }
    }

    private static void Visit(Box3 box, Action<Index3> visit)
    {
        for (var z = box.Start.Z; z < box.Stop.Z; z++)
        {
            for (var y = box.Start.Y; y < box.Stop.Y; y++)
            {
                for (var x = box.Start.X; x < box.Stop.X; x++)
                {
                    visit(new Index3(z, y, x));
                }
            }
        }
    }

    private long Offset(Index3 voxel) => (((voxel.Z * Shape.Y) + voxel.Y) * Shape.X) + voxel.X;
}
