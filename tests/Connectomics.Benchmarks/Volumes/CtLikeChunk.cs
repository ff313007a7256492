namespace Connectomics.Benchmarks.Volumes;

/// <summary>A synthetic CT-like uint16 chunk: a smooth field of a few hundred grey levels with ±8 of noise.</summary>
internal static class CtLikeChunk
{
    public static int Bytes(int edge) => edge * edge * edge * sizeof(ushort);

    public static byte[] Create(int edge, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[Bytes(edge)];
        var voxels = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ushort>(bytes.AsSpan());
        var index = 0;
        for (var z = 0; z < edge; z++)
        {
            for (var y = 0; y < edge; y++)
            {
                for (var x = 0; x < edge; x++)
                {
                    var field = 1000 + (300 * Math.Sin((z + seed) / 9.0) * Math.Cos(y / 7.0)) + (200 * Math.Sin(x / 11.0));
                    voxels[index++] = (ushort)(field + random.Next(-8, 9));
                }
            }
        }

        return bytes;
    }
}
