using System.Buffers.Binary;

namespace Connectomics.Volumes.Tests.Codecs;

/// <summary>Seeded chunk-like buffers: random bytes, smooth ramps with noise (compressible, shuffle-friendly) and zeros.</summary>
internal static class CodecTestData
{
    public static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Little-endian elements of <paramref name="elementSize"/> bytes following a slow ramp plus small noise.</summary>
    public static byte[] Smooth(int length, int elementSize, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        Span<byte> element = stackalloc byte[8];
        for (var offset = 0; offset < length; offset += elementSize)
        {
            var value = (ulong)((offset / elementSize / 7) + random.Next(4));
            BinaryPrimitives.WriteUInt64LittleEndian(element, value);
            element[..Math.Min(elementSize, length - offset)].CopyTo(bytes.AsSpan(offset));
        }

        return bytes;
    }

    public static byte[] Kind(string kind, int length, int elementSize, int seed) => kind switch
    {
        "random" => Random(length, seed),
        "smooth" => Smooth(length, elementSize, seed),
        "zeros" => new byte[length],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
