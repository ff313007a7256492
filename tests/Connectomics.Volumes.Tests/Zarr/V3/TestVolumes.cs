using System.Buffers.Binary;
using Connectomics.Volumes.Data;

namespace Connectomics.Volumes.Tests.Zarr.V3;

/// <summary>Deterministic test contents: little-endian elements, C order, with a block of fill value in one corner.</summary>
internal static class TestVolumes
{
    public static byte[] Create(VoxelType type, IReadOnlyList<long> shape, int seed, double fill = 0, long fillBlockEdge = 0)
    {
        var size = type.ByteSize();
        var count = shape.Aggregate(1L, (a, b) => a * b);
        var data = new byte[count * size];
        var random = new Random(seed);
        var index = new long[shape.Count];
        for (long i = 0; i < count; i++)
        {
            var span = data.AsSpan((int)(i * size), size);
            var inFillBlock = fillBlockEdge > 0 && index.All(c => c < fillBlockEdge);
            var value = inFillBlock ? fill : (i % 1000) - 300 + (random.Next(4) * 0.25);
            if (double.IsNaN(value) && type.IsFloatingPoint())
            {
                // Positive quiet NaN, as the fill value is stored.
                value = BitConverter.Int64BitsToDouble(0x7FF8000000000000);
            }

            switch (type)
            {
                case VoxelType.Float16:
                    BinaryPrimitives.WriteHalfLittleEndian(span, (Half)value);
                    break;
                case VoxelType.Float32:
                    BinaryPrimitives.WriteSingleLittleEndian(span, (float)value);
                    break;
                case VoxelType.Float64:
                    BinaryPrimitives.WriteDoubleLittleEndian(span, value);
                    break;
                case VoxelType.Bool:
                    span[0] = inFillBlock ? (byte)fill : (byte)random.Next(2);
                    break;
                default:
                    // Integers: the fill value in the block, else random bits (every byte exercised).
                    if (inFillBlock)
                    {
                        var bits = (long)fill;
                        for (var b = 0; b < size; b++)
                        {
                            span[b] = (byte)(bits >> (8 * b));
                        }
                    }
                    else
                    {
                        random.NextBytes(span);
                    }

                    break;
            }

            for (var axis = shape.Count - 1; axis >= 0; axis--)
            {
                if (++index[axis] < shape[axis])
                {
                    break;
                }

                index[axis] = 0;
            }
        }

        return data;
    }
}
