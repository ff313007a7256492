namespace Connectomics.Lora.Training;

/// <summary>
/// The seeded order in which an epoch visits the examples: a Fisher–Yates shuffle driven by SplitMix64 from a seed
/// derived from the run's seed and the epoch alone, so that any epoch's order can be recomputed without replaying the
/// epochs before it, on any platform and .NET version.
/// </summary>
internal static class EpochShuffle
{
    /// <summary>Derives the seed of one epoch's shuffle from the run's seed.</summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="epoch">The epoch, from 0.</param>
    /// <returns>The epoch's seed.</returns>
    public static ulong EpochSeed(long seed, int epoch)
    {
        var state = unchecked((ulong)seed ^ (0x9E3779B97F4A7C15UL * (ulong)(epoch + 1)));
        return Next(ref state);
    }

    /// <summary>Gets the order of <paramref name="count"/> examples in an epoch.</summary>
    /// <param name="count">The number of examples.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="epoch">The epoch, from 0.</param>
    /// <returns>A permutation of 0 … <paramref name="count"/> − 1.</returns>
    public static int[] Order(int count, long seed, int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        var state = EpochSeed(seed, epoch);
        for (var i = count - 1; i > 0; i--)
        {
            var j = (int)(Next(ref state) % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    /// <summary>One step of SplitMix64.</summary>
    /// <param name="state">The generator's state, advanced.</param>
    /// <returns>The next 64 random bits.</returns>
    public static ulong Next(ref ulong state)
    {
        unchecked
        {
            state += 0x9E3779B97F4A7C15UL;
            var z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
