using Connectomics.Sequences;

namespace Connectomics.Benchmarks;

/// <summary>Reproducible random reads for benchmarks.</summary>
internal static class SyntheticReads
{
    public static SequenceRecord[] Create(int count, int minLength, int maxLength, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(i => new SequenceRecord(
                $"read{i}",
                new string(Enumerable.Range(0, random.Next(minLength, maxLength + 1)).Select(_ => "ACGT"[random.Next(4)]).ToArray())))
            .ToArray();
    }
}
