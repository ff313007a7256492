using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;

namespace Connectomics.Gpu.Volumes;

/// <summary>
/// Turns the raw voxels of one tile's input box into the network's float32 input, <c>value × scale + shift</c> in
/// float32 (each step rounded, as PyTorch computes <c>x * scale + shift</c>), one x-run at a time, so that no float copy
/// of a whole block is ever made.
/// </summary>
internal static class TileInputNormalization
{
    /// <summary>Gets whether raw voxels of this type can be normalised.</summary>
    public static bool IsSupported(VoxelType type) => type is VoxelType.UInt8 or VoxelType.UInt16 or VoxelType.Int16 or VoxelType.Float32;

    /// <summary>Writes <c>[channel, z, y, x]</c> of <paramref name="box"/> (inside the block's voxel box), normalised.</summary>
    /// <param name="block">The block holding the raw voxels.</param>
    /// <param name="box">The tile's input box, in volume coordinates.</param>
    /// <param name="destination">Channels × box voxels floats.</param>
    public static void Fill(VolumeBlock block, Box3 box, Span<float> destination)
    {
        var raw = block.Voxels.Span;
        var type = block.DataType;
        var itemSize = type.ByteSize();
        var voxelBox = block.VoxelBox;
        var have = voxelBox.Size;
        var size = box.Size;
        var runLength = checked((int)size.X);
        var scale = block.Normalization.Scale;
        var shift = block.Normalization.Shift;
        var offset = 0;
        for (var c = 0L; c < block.Channels; c++)
        {
            for (var z = box.Start.Z; z < box.Stop.Z; z++)
            {
                for (var y = box.Start.Y; y < box.Stop.Y; y++)
                {
                    var source = ((((c * have.Z) + (z - voxelBox.Start.Z)) * have.Y) + (y - voxelBox.Start.Y)) * have.X + (box.Start.X - voxelBox.Start.X);
                    var run = destination.Slice(offset, runLength);
                    Convert(raw.Slice(checked((int)(source * itemSize)), runLength * itemSize), type, run);
                    TensorPrimitives.Multiply(run, scale, run);
                    TensorPrimitives.Add(run, shift, run);
                    offset += runLength;
                }
            }
        }
    }

    private static void Convert(ReadOnlySpan<byte> raw, VoxelType type, Span<float> destination)
    {
        switch (type)
        {
            case VoxelType.UInt8:
                TensorPrimitives.ConvertChecked(raw, destination);
                return;
            case VoxelType.UInt16 when BitConverter.IsLittleEndian:
                TensorPrimitives.ConvertChecked(MemoryMarshal.Cast<byte, ushort>(raw), destination);
                return;
            case VoxelType.Int16 when BitConverter.IsLittleEndian:
                TensorPrimitives.ConvertChecked(MemoryMarshal.Cast<byte, short>(raw), destination);
                return;
            case VoxelType.Float32 when BitConverter.IsLittleEndian:
                MemoryMarshal.Cast<byte, float>(raw).CopyTo(destination);
                return;
            case VoxelType.UInt16:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadUInt16LittleEndian(raw[(i * 2)..]);
                }

                return;
            case VoxelType.Int16:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt16LittleEndian(raw[(i * 2)..]);
                }

                return;
            case VoxelType.Float32:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]);
                }

                return;
            default:
                throw new NotSupportedException($"Voxels of type {type} cannot be normalised for the U-Net.");
        }
    }
}
