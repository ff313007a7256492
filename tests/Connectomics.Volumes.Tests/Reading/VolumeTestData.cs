using System.Runtime.InteropServices;
using Connectomics.Volumes.Data;

namespace Connectomics.Volumes.Tests.Reading;

/// <summary>Dense test arrays with distinct, seeded values.</summary>
internal static class VolumeTestData
{
    public static ushort[] UInt16(long[] shape, int seed)
    {
        var random = new Random(seed);
        var values = new ushort[shape.Aggregate(1L, (p, e) => p * e)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (ushort)random.Next(1, 65536);
        }

        return values;
    }

    public static byte[] Bytes<T>(T[] values)
        where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static InMemoryChunkedArray Array<T>(T[] values, long[] shape, int[] chunks, VoxelType type, T fill = default, double failureRate = 0, int seed = 1)
        where T : unmanaged =>
        new(shape, chunks, type, Bytes(values), Bytes(new[] { fill }), failureRate, seed);
}
