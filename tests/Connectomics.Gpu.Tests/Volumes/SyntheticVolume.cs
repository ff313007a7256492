using System.Buffers.Binary;
using Connectomics.Gpu.Models.UNet;
using Connectomics.Volumes.Blocks;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;
using TorchSharp;

namespace Connectomics.Gpu.Tests.Volumes;

/// <summary>A small random volume held in memory, read anywhere in volume coordinates with NumPy's <c>reflect</c>
/// padding outside it, and cut into <see cref="VolumeBlock"/>s by hand.</summary>
internal sealed class SyntheticVolume
{
    private readonly byte[] _raw;

    public SyntheticVolume(VoxelType type, int channels, Index3 shape, byte[] raw)
    {
        Assert.Equal(channels * shape.Volume * type.ByteSize(), raw.LongLength);
        Type = type;
        Channels = channels;
        Shape = shape;
        _raw = raw;
    }

    public VoxelType Type { get; }

    public int Channels { get; }

    public Index3 Shape { get; }

    /// <summary>The raw little-endian bytes [C, Z, Y, X].</summary>
    public ReadOnlySpan<byte> Raw => _raw;

    /// <summary>Random voxels over the type's range (float32: uniform in [−100, 100)).</summary>
    public static SyntheticVolume Random(VoxelType type, int channels, Index3 shape, int seed)
    {
        var random = new Random(seed);
        var count = channels * shape.Volume;
        var size = type.ByteSize();
        var raw = new byte[count * size];
        for (var i = 0L; i < count; i++)
        {
            var slot = raw.AsSpan((int)(i * size), size);
            switch (type)
            {
                case VoxelType.UInt8: slot[0] = (byte)random.Next(256); break;
                case VoxelType.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(slot, (ushort)random.Next(65536)); break;
                case VoxelType.Int16: BinaryPrimitives.WriteInt16LittleEndian(slot, (short)random.Next(-32768, 32768)); break;
                case VoxelType.Float32: BinaryPrimitives.WriteSingleLittleEndian(slot, (float)((random.NextDouble() * 200) - 100)); break;
                default: throw new NotSupportedException(type.ToString());
            }
        }

        return new SyntheticVolume(type, channels, shape, raw);
    }

    /// <summary>NumPy's <c>reflect</c>: the edge voxel is not repeated; pads of any size reflect again.</summary>
    public static long Reflect(long index, long size)
    {
        if (size == 1)
        {
            return 0;
        }

        var period = 2 * (size - 1);
        var m = ((index % period) + period) % period;
        return m < size ? m : period - m;
    }

    /// <summary>The raw voxels of a box anywhere in volume coordinates, [C, z, y, x].</summary>
    public byte[] Cut(Box3 box)
    {
        var size = Type.ByteSize();
        var extent = box.Size;
        var result = new byte[Channels * extent.Volume * size];
        var offset = 0;
        for (var c = 0L; c < Channels; c++)
        {
            for (var z = box.Start.Z; z < box.Stop.Z; z++)
            {
                for (var y = box.Start.Y; y < box.Stop.Y; y++)
                {
                    for (var x = box.Start.X; x < box.Stop.X; x++)
                    {
                        var source = (((((c * Shape.Z) + Reflect(z, Shape.Z)) * Shape.Y) + Reflect(y, Shape.Y)) * Shape.X) + Reflect(x, Shape.X);
                        _raw.AsSpan((int)(source * size), size).CopyTo(result.AsSpan(offset, size));
                        offset += size;
                    }
                }
            }
        }

        return result;
    }

    /// <summary>The value of one raw voxel as a float (exact for the integer types).</summary>
    public static float Value(VoxelType type, ReadOnlySpan<byte> raw, long index) => type switch
    {
        VoxelType.UInt8 => raw[(int)index],
        VoxelType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(raw[(int)(index * 2)..]),
        VoxelType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(raw[(int)(index * 2)..]),
        VoxelType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(raw[(int)(index * 4)..]),
        _ => throw new NotSupportedException(type.ToString()),
    };

    /// <summary>A box's voxels as model input, normalised by hand: <c>value × scale + shift</c> in float32.</summary>
    public float[] Normalized(Box3 box, VoxelNormalization normalization)
    {
        var raw = Cut(box);
        var values = new float[raw.Length / Type.ByteSize()];
        for (var i = 0; i < values.Length; i++)
        {
            var scaled = Value(Type, raw, i) * normalization.Scale;
            values[i] = scaled + normalization.Shift;
        }

        return values;
    }

    /// <summary>A block whose voxels cover both the model's input box and the write box grown by the halo.</summary>
    public VolumeBlock Block(
        Connectomics.Gpu.Volumes.UNetBlockEmbedder embedder, long id, Box3 writeBox, Index3 halo, VoxelNormalization normalization, IReadOnlyList<BlockRow> rows)
    {
        var readBox = writeBox.Grow(halo);
        var input = embedder.GetInputBox(writeBox);
        var voxelBox = new Box3(Index3.Min(readBox.Start, input.Start), Index3.Max(readBox.Stop, input.Stop));
        return new VolumeBlock
        {
            Block = new Block(id, writeBox.Start, writeBox, readBox),
            Level = 0,
            Source = "synthetic",
            DataType = Type,
            Channels = Channels,
            VoxelBox = voxelBox,
            Voxels = Cut(voxelBox),
            Normalization = normalization,
            Rows = rows,
        };
    }

    /// <summary>The write boxes of a regular grid of blocks over the volume, edge blocks cut.</summary>
    public IEnumerable<Box3> WriteBoxes(Index3 blockSize)
    {
        for (var z = 0L; z < Shape.Z; z += blockSize.Z)
        {
            for (var y = 0L; y < Shape.Y; y += blockSize.Y)
            {
                for (var x = 0L; x < Shape.X; x += blockSize.X)
                {
                    var start = new Index3(z, y, x);
                    yield return new Box3(start, Index3.Min(start + blockSize, Shape));
                }
            }
        }
    }

    /// <summary>
    /// Runs the network ONCE over the whole volume padded by reflection (context before, context after plus what makes
    /// an accepted size) and keeps the output voxels of the volume itself: [D, Z, Y, X].
    /// </summary>
    public float[] WholePass(UNet3dModel model, VoxelNormalization normalization)
    {
        var geometry = model.Geometry;
        var context = geometry.Context;
        var total = new VoxelExtent(
            (int)Shape.Z + context.Z + geometry.ContextAfter.Z, (int)Shape.Y + context.Y + geometry.ContextAfter.Y, (int)Shape.X + context.X + geometry.ContextAfter.X);
        var inputSize = geometry.GetValidInputSizeAtLeast(total);
        var outputSize = geometry.GetOutputSize(inputSize);
        var start = new Index3(-context.Z, -context.Y, -context.X);
        var input = Normalized(Box3.FromStartSize(start, new Index3(inputSize.Z, inputSize.Y, inputSize.X)), normalization);
        float[] output;
        using (torch.inference_mode())
        using (var x = torch.tensor(input, [1, Channels, inputSize.Z, inputSize.Y, inputSize.X]))
        using (var y = model.Forward(x))
        {
            output = y.data<float>().ToArray();
        }

        var d = model.FeatureChannels;
        var result = new float[d * Shape.Volume];
        var i = 0;
        for (var c = 0; c < d; c++)
        {
            for (var z = 0; z < Shape.Z; z++)
            {
                for (var yy = 0; yy < Shape.Y; yy++)
                {
                    var from = ((((long)c * outputSize.Z + z) * outputSize.Y) + yy) * outputSize.X;
                    Array.Copy(output, from, result, i, Shape.X);
                    i += (int)Shape.X;
                }
            }
        }

        return result;
    }

    /// <summary>Pools whole-volume features [D, Z, Y, X] over a box by hand: (mean in float64, max).</summary>
    public (float[] Mean, float[] Max) Pool(float[] features, int channels, Box3 box)
    {
        var mean = new float[channels];
        var max = new float[channels];
        for (var c = 0; c < channels; c++)
        {
            var sum = 0.0;
            var best = float.NegativeInfinity;
            for (var z = box.Start.Z; z < box.Stop.Z; z++)
            {
                for (var y = box.Start.Y; y < box.Stop.Y; y++)
                {
                    for (var x = box.Start.X; x < box.Stop.X; x++)
                    {
                        var value = features[(((((long)c * Shape.Z) + z) * Shape.Y + y) * Shape.X) + x];
                        sum += value;
                        best = Math.Max(best, value);
                    }
                }
            }

            mean[c] = (float)(sum / box.VoxelCount);
            max[c] = best;
        }

        return (mean, max);
    }
}
