using Connectomics.Sequences;

namespace Connectomics.Gpu.Tests.Inference;

/// <summary>Reproducible random reads of mixed lengths for the engine tests.</summary>
internal static class RandomReads
{
    /// <summary>Makes <paramref name="count"/> reads named r0, r1, … with lengths drawn from
    /// [<paramref name="minLength"/>, <paramref name="maxLength"/>) and letters from <paramref name="alphabet"/>.</summary>
    public static IReadOnlyList<SequenceRecord> Mixed(int count, int seed, int minLength, int maxLength, string alphabet)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(i => new SequenceRecord($"r{i}", new string(Enumerable.Range(0, random.Next(minLength, maxLength)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray())))
            .ToArray();
    }
}
