using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Connectomics.Volumes.Zarr;

/// <summary>Reverses the bytes of each element of a buffer: big-endian elements to little-endian and back.</summary>
internal static class ElementEndianness
{
    /// <summary>Reverses the bytes of every element in place (vectorised by the BCL); 1-byte elements are left as they are.</summary>
    /// <param name="elements">The elements; its length is a multiple of <paramref name="elementSize"/>.</param>
    /// <param name="elementSize">1, 2, 4 or 8.</param>
    public static void ReverseInPlace(Span<byte> elements, int elementSize)
    {
        switch (elementSize)
        {
            case 1:
                break;
            case 2:
                var shorts = MemoryMarshal.Cast<byte, ushort>(elements);
                BinaryPrimitives.ReverseEndianness(shorts, shorts);
                break;
            case 4:
                var ints = MemoryMarshal.Cast<byte, uint>(elements);
                BinaryPrimitives.ReverseEndianness(ints, ints);
                break;
            case 8:
                var longs = MemoryMarshal.Cast<byte, ulong>(elements);
                BinaryPrimitives.ReverseEndianness(longs, longs);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(elementSize), elementSize, "Elements are 1, 2, 4 or 8 bytes.");
        }
    }
}
