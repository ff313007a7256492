using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Connectomics.Volumes.Codecs;

/// <summary>
/// Blosc 1's bit shuffle of one block (bitshuffle's layout): for <c>n = length / typeSize</c> elements, when <c>n</c>
/// is a multiple of 8, bit <c>b</c> of byte <c>j</c> of element <c>i</c> moves to bit <c>i mod 8</c> of byte
/// <c>(8j + b)·n/8 + i/8</c>, and the <c>length mod typeSize</c> trailing bytes stay in place. When <c>n</c> is not a
/// multiple of 8, C-Blosc 1.x leaves the whole block as it is, and so do we.
/// </summary>
internal static class BitShuffle
{
    /// <summary>Bit-shuffles <paramref name="source"/> into <paramref name="destination"/>.</summary>
    /// <param name="source">The block.</param>
    /// <param name="destination">The shuffled block, as long as the source.</param>
    /// <param name="typeSize">The element size in bytes.</param>
    /// <param name="scratch">A buffer of at least the block's length.</param>
    public static void Shuffle(ReadOnlySpan<byte> source, Span<byte> destination, int typeSize, Span<byte> scratch)
    {
        var count = source.Length / typeSize;
        if (count % 8 != 0)
        {
            source.CopyTo(destination);
            return;
        }

        var whole = count * typeSize;
        var planes = scratch[..whole];
        ByteShuffle.Shuffle(source[..whole], planes, typeSize);
        var rowBytes = count / 8;
        for (var j = 0; j < typeSize; j++)
        {
            var plane = planes.Slice(j * count, count);
            var rows = destination.Slice(j * 8 * rowBytes, 8 * rowBytes);
            for (var q = 0; q < rowBytes; q++)
            {
                var x = Transpose8x8(BinaryPrimitives.ReadUInt64LittleEndian(plane[(8 * q)..]));
                for (var b = 0; b < 8; b++)
                {
                    rows[(b * rowBytes) + q] = (byte)(x >> (8 * b));
                }
            }
        }

        source[whole..].CopyTo(destination[whole..source.Length]);
    }

    /// <summary>Reverses <see cref="Shuffle"/>.</summary>
    /// <param name="source">The shuffled block.</param>
    /// <param name="destination">The block, as long as the source.</param>
    /// <param name="typeSize">The element size in bytes.</param>
    /// <param name="scratch">A buffer of at least the block's length.</param>
    public static void Unshuffle(ReadOnlySpan<byte> source, Span<byte> destination, int typeSize, Span<byte> scratch)
    {
        var count = source.Length / typeSize;
        if (count % 8 != 0)
        {
            source.CopyTo(destination);
            return;
        }

        var whole = count * typeSize;
        var planes = typeSize == 1 ? destination[..whole] : scratch[..whole];
        var rowBytes = count / 8;
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(planes);
        for (var j = 0; j < typeSize; j++)
        {
            ref var rows = ref Unsafe.Add(ref src, j * 8 * rowBytes);
            ref var plane = ref Unsafe.Add(ref dst, j * count);
            var q = 0;
            if (Sse2.IsSupported)
            {
                for (; q + 16 <= rowBytes; q += 16)
                {
                    ByteShuffle.Interleave8(ref rows, (nuint)rowBytes, (nuint)q, out var w0, out var w1, out var w2, out var w3, out var w4, out var w5, out var w6, out var w7);
                    var offset = (nuint)(8 * q);
                    Transpose8x8(w0.AsUInt64()).AsByte().StoreUnsafe(ref plane, offset);
                    Transpose8x8(w1.AsUInt64()).AsByte().StoreUnsafe(ref plane, offset + 16);
                    Transpose8x8(w2.AsUInt64()).AsByte().StoreUnsafe(ref plane, offset + 32);
                    Transpose8x8(w3.AsUInt64()).AsByte().StoreUnsafe(ref plane, offset + 48);
                    Transpose8x8(w4.AsUInt64()).AsByte().StoreUnsafe(ref plane, offset + 64);
                    Transpose8x8(w5.AsUInt64()).AsByte().StoreUnsafe(ref plane, offset + 80);
                    Transpose8x8(w6.AsUInt64()).AsByte().StoreUnsafe(ref plane, offset + 96);
                    Transpose8x8(w7.AsUInt64()).AsByte().StoreUnsafe(ref plane, offset + 112);
                }
            }

            for (; q < rowBytes; q++)
            {
                ulong x = 0;
                for (var b = 0; b < 8; b++)
                {
                    x |= (ulong)Unsafe.Add(ref rows, (b * rowBytes) + q) << (8 * b);
                }

                Unsafe.WriteUnaligned(ref Unsafe.Add(ref plane, 8 * q), BitConverter.IsLittleEndian ? Transpose8x8(x) : BinaryPrimitives.ReverseEndianness(Transpose8x8(x)));
            }
        }

        if (typeSize > 1)
        {
            ByteShuffle.Unshuffle(planes, destination[..whole], typeSize);
        }

        source[whole..].CopyTo(destination[whole..source.Length]);
    }

    /// <summary>Transposes the 8×8 bit matrix whose row <c>r</c> is byte <c>r</c> (little-endian) of <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Transpose8x8(ulong x)
    {
        var t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAUL;
        x ^= t ^ (t << 7);
        t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCUL;
        x ^= t ^ (t << 14);
        t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0UL;
        return x ^ t ^ (t << 28);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Transpose8x8(Vector128<ulong> x)
    {
        var t = (x ^ Vector128.ShiftRightLogical(x, 7)) & Vector128.Create(0x00AA00AA00AA00AAUL);
        x ^= t ^ Vector128.ShiftLeft(t, 7);
        t = (x ^ Vector128.ShiftRightLogical(x, 14)) & Vector128.Create(0x0000CCCC0000CCCCUL);
        x ^= t ^ Vector128.ShiftLeft(t, 14);
        t = (x ^ Vector128.ShiftRightLogical(x, 28)) & Vector128.Create(0x00000000F0F0F0F0UL);
        return x ^ t ^ Vector128.ShiftLeft(t, 28);
    }
}
