namespace Connectomics.Gpu.Tests.Models.UNet;

internal static class UNetAssert
{
    /// <summary>Asserts equal lengths and a largest absolute difference within <paramref name="tolerance"/>, naming the
    /// first offending index.</summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0.0;
        var worstIndex = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var difference = Math.Abs((double)expected[i] - actual[i]);
            if (!(difference <= worst))
            {
                worst = difference;
                worstIndex = i;
            }
        }

        Assert.True(worst <= tolerance, $"{what}: largest difference {worst:g4} at index {worstIndex} (expected {(worstIndex >= 0 ? expected[worstIndex] : 0)}, got {(worstIndex >= 0 ? actual[worstIndex] : 0)}), tolerance {tolerance:g2}.");
    }

    /// <summary>Random values in [−2, 2), reproducible from <paramref name="seed"/>.</summary>
    public static float[] RandomInput(long length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 4) - 2);
        }

        return values;
    }
}
