using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Connectomics.Volumes.Zarr.V3;

/// <summary>Reverses the byte order of every element of a buffer (big-endian ↔ little-endian), vectorised by the BCL.</summary>
internal static class ElementByteOrder
{
    public static void Reverse(Span<byte> data, int elementSize)
    {
        switch (elementSize)
        {
            case 1:
                break;
            case 2:
                var shorts = MemoryMarshal.Cast<byte, ushort>(data);
                BinaryPrimitives.ReverseEndianness(shorts, shorts);
                break;
            case 4:
                var ints = MemoryMarshal.Cast<byte, uint>(data);
                BinaryPrimitives.ReverseEndianness(ints, ints);
                break;
            case 8:
                var longs = MemoryMarshal.Cast<byte, ulong>(data);
                BinaryPrimitives.ReverseEndianness(longs, longs);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(elementSize), elementSize, "Elements are 1, 2, 4 or 8 bytes.");
        }
    }
}
