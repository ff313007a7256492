using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Connectomics.Volumes.Codecs;

/// <summary>
/// Blosc's byte shuffle of one block: for <c>n = length / typeSize</c> whole elements, byte <c>j</c> of element
/// <c>i</c> moves to <c>j·n + i</c>; the <c>length mod typeSize</c> trailing bytes stay where they are.
/// </summary>
internal static class ByteShuffle
{
    /// <summary>Groups the bytes of <paramref name="source"/> by their position in the element.</summary>
    public static void Shuffle(ReadOnlySpan<byte> source, Span<byte> destination, int typeSize)
    {
        var count = source.Length / typeSize;
        var whole = count * typeSize;
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        for (var j = 0; j < typeSize; j++)
        {
            ref var plane = ref Unsafe.Add(ref dst, j * count);
            for (var i = 0; i < count; i++)
            {
                Unsafe.Add(ref plane, i) = Unsafe.Add(ref src, (i * typeSize) + j);
            }
        }

        source[whole..].CopyTo(destination[whole..source.Length]);
    }

    /// <summary>Reverses <see cref="Shuffle"/>.</summary>
    public static void Unshuffle(ReadOnlySpan<byte> source, Span<byte> destination, int typeSize)
    {
        var count = source.Length / typeSize;
        var whole = count * typeSize;
        var done = 0;
        if (Sse2.IsSupported && count >= 16)
        {
            done = typeSize switch
            {
                2 => Unshuffle2Sse2(source, destination, count),
                4 => Unshuffle4Sse2(source, destination, count),
                8 => Unshuffle8Sse2(source, destination, count),
                _ => 0,
            };
        }

        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        for (var j = 0; j < typeSize; j++)
        {
            ref var plane = ref Unsafe.Add(ref src, j * count);
            for (var i = done; i < count; i++)
            {
                Unsafe.Add(ref dst, (i * typeSize) + j) = Unsafe.Add(ref plane, i);
            }
        }

        source[whole..].CopyTo(destination[whole..source.Length]);
    }

    private static int Unshuffle2Sse2(ReadOnlySpan<byte> source, Span<byte> destination, int count)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        for (; i + 16 <= count; i += 16)
        {
            var a = Vector128.LoadUnsafe(ref src, (nuint)i);
            var b = Vector128.LoadUnsafe(ref src, (nuint)(count + i));
            Sse2.UnpackLow(a, b).StoreUnsafe(ref dst, (nuint)(2 * i));
            Sse2.UnpackHigh(a, b).StoreUnsafe(ref dst, (nuint)((2 * i) + 16));
        }

        return i;
    }

    private static int Unshuffle4Sse2(ReadOnlySpan<byte> source, Span<byte> destination, int count)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        for (; i + 16 <= count; i += 16)
        {
            var a = Vector128.LoadUnsafe(ref src, (nuint)i);
            var b = Vector128.LoadUnsafe(ref src, (nuint)(count + i));
            var c = Vector128.LoadUnsafe(ref src, (nuint)((2 * count) + i));
            var d = Vector128.LoadUnsafe(ref src, (nuint)((3 * count) + i));
            var abLow = Sse2.UnpackLow(a, b).AsUInt16();
            var abHigh = Sse2.UnpackHigh(a, b).AsUInt16();
            var cdLow = Sse2.UnpackLow(c, d).AsUInt16();
            var cdHigh = Sse2.UnpackHigh(c, d).AsUInt16();
            var offset = (nuint)(4 * i);
            Sse2.UnpackLow(abLow, cdLow).AsByte().StoreUnsafe(ref dst, offset);
            Sse2.UnpackHigh(abLow, cdLow).AsByte().StoreUnsafe(ref dst, offset + 16);
            Sse2.UnpackLow(abHigh, cdHigh).AsByte().StoreUnsafe(ref dst, offset + 32);
            Sse2.UnpackHigh(abHigh, cdHigh).AsByte().StoreUnsafe(ref dst, offset + 48);
        }

        return i;
    }

    private static int Unshuffle8Sse2(ReadOnlySpan<byte> source, Span<byte> destination, int count)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        for (; i + 16 <= count; i += 16)
        {
            Interleave8(ref src, (nuint)count, (nuint)i, out var w0, out var w1, out var w2, out var w3, out var w4, out var w5, out var w6, out var w7);
            var offset = (nuint)(8 * i);
            w0.StoreUnsafe(ref dst, offset);
            w1.StoreUnsafe(ref dst, offset + 16);
            w2.StoreUnsafe(ref dst, offset + 32);
            w3.StoreUnsafe(ref dst, offset + 48);
            w4.StoreUnsafe(ref dst, offset + 64);
            w5.StoreUnsafe(ref dst, offset + 80);
            w6.StoreUnsafe(ref dst, offset + 96);
            w7.StoreUnsafe(ref dst, offset + 112);
        }

        return i;
    }

    /// <summary>
    /// Reads 16 bytes at <paramref name="index"/> from each of 8 rows <paramref name="stride"/> bytes apart and
    /// returns them interleaved: 16 words of 8 bytes, word <c>k</c> holding byte <c>k</c> of every row, row order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Interleave8(
        ref byte rows, nuint stride, nuint index,
        out Vector128<byte> w0, out Vector128<byte> w1, out Vector128<byte> w2, out Vector128<byte> w3,
        out Vector128<byte> w4, out Vector128<byte> w5, out Vector128<byte> w6, out Vector128<byte> w7)
    {
        var r0 = Vector128.LoadUnsafe(ref rows, index);
        var r1 = Vector128.LoadUnsafe(ref rows, stride + index);
        var r2 = Vector128.LoadUnsafe(ref rows, (2 * stride) + index);
        var r3 = Vector128.LoadUnsafe(ref rows, (3 * stride) + index);
        var r4 = Vector128.LoadUnsafe(ref rows, (4 * stride) + index);
        var r5 = Vector128.LoadUnsafe(ref rows, (5 * stride) + index);
        var r6 = Vector128.LoadUnsafe(ref rows, (6 * stride) + index);
        var r7 = Vector128.LoadUnsafe(ref rows, (7 * stride) + index);

        var p01Low = Sse2.UnpackLow(r0, r1).AsUInt16();
        var p01High = Sse2.UnpackHigh(r0, r1).AsUInt16();
        var p23Low = Sse2.UnpackLow(r2, r3).AsUInt16();
        var p23High = Sse2.UnpackHigh(r2, r3).AsUInt16();
        var p45Low = Sse2.UnpackLow(r4, r5).AsUInt16();
        var p45High = Sse2.UnpackHigh(r4, r5).AsUInt16();
        var p67Low = Sse2.UnpackLow(r6, r7).AsUInt16();
        var p67High = Sse2.UnpackHigh(r6, r7).AsUInt16();

        var q0 = Sse2.UnpackLow(p01Low, p23Low).AsUInt32();
        var q1 = Sse2.UnpackHigh(p01Low, p23Low).AsUInt32();
        var q2 = Sse2.UnpackLow(p01High, p23High).AsUInt32();
        var q3 = Sse2.UnpackHigh(p01High, p23High).AsUInt32();
        var s0 = Sse2.UnpackLow(p45Low, p67Low).AsUInt32();
        var s1 = Sse2.UnpackHigh(p45Low, p67Low).AsUInt32();
        var s2 = Sse2.UnpackLow(p45High, p67High).AsUInt32();
        var s3 = Sse2.UnpackHigh(p45High, p67High).AsUInt32();

        w0 = Sse2.UnpackLow(q0, s0).AsByte();
        w1 = Sse2.UnpackHigh(q0, s0).AsByte();
        w2 = Sse2.UnpackLow(q1, s1).AsByte();
        w3 = Sse2.UnpackHigh(q1, s1).AsByte();
        w4 = Sse2.UnpackLow(q2, s2).AsByte();
        w5 = Sse2.UnpackHigh(q2, s2).AsByte();
        w6 = Sse2.UnpackLow(q3, s3).AsByte();
        w7 = Sse2.UnpackHigh(q3, s3).AsByte();
    }
}
