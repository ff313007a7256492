using System.Numerics;
using System.Runtime.InteropServices;

namespace Connectomics.Storage.Lance.Validation;

/// <summary>Finds NaN and ±infinity in raw IEEE 754 values: those with every exponent bit set.</summary>
internal static class NonFiniteValues
{
    private const ushort HalfExponent = 0x7C00;
    private const uint SingleExponent = 0x7F80_0000;
    private const ulong DoubleExponent = 0x7FF0_0000_0000_0000;

    /// <summary>Gets the index of the first non-finite value at or after <paramref name="start"/>, or -1.</summary>
    /// <param name="values">Little-endian values of <paramref name="byteWidth"/> bytes each (2, 4 or 8).</param>
    /// <param name="byteWidth">The width of one value.</param>
    /// <param name="start">The first value to look at.</param>
    public static int IndexOf(ReadOnlySpan<byte> values, int byteWidth, int start) => byteWidth switch
    {
        2 => IndexOf(MemoryMarshal.Cast<byte, ushort>(values), HalfExponent, start),
        4 => IndexOf(MemoryMarshal.Cast<byte, uint>(values), SingleExponent, start),
        8 => IndexOf(MemoryMarshal.Cast<byte, ulong>(values), DoubleExponent, start),
        _ => throw new ArgumentOutOfRangeException(nameof(byteWidth), byteWidth, "Floating-point values are 2, 4 or 8 bytes wide."),
    };

    /// <summary>Formats the value at an index for an error message.</summary>
    public static string Describe(ReadOnlySpan<byte> values, int byteWidth, int index) => byteWidth switch
    {
        2 => ((float)BitConverter.UInt16BitsToHalf(MemoryMarshal.Cast<byte, ushort>(values)[index])).ToString(System.Globalization.CultureInfo.InvariantCulture),
        4 => BitConverter.UInt32BitsToSingle(MemoryMarshal.Cast<byte, uint>(values)[index]).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => BitConverter.UInt64BitsToDouble(MemoryMarshal.Cast<byte, ulong>(values)[index]).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static int IndexOf<T>(ReadOnlySpan<T> bits, T exponent, int start)
        where T : unmanaged, IBinaryInteger<T>
    {
        var i = start;
        if (Vector.IsHardwareAccelerated && bits.Length - i >= Vector<T>.Count)
        {
            var mask = new Vector<T>(exponent);
            for (; i <= bits.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                if (Vector.EqualsAny(new Vector<T>(bits.Slice(i, Vector<T>.Count)) & mask, mask))
                {
                    break;
                }
            }
        }

        for (; i < bits.Length; i++)
        {
            if ((bits[i] & exponent) == exponent)
            {
                return i;
            }
        }

        return -1;
    }
}
