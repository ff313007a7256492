using Connectomics.Embeddings;

namespace Connectomics.Gpu.Tests.Inference;

/// <summary>Comparisons of embedding lists.</summary>
internal static class EmbeddingAssert
{
    /// <summary>Asserts the same ids in the same order, vectors of the same length, and every value within
    /// <paramref name="tolerance"/>.</summary>
    public static void Close(IReadOnlyList<SequenceEmbedding> expected, IReadOnlyList<SequenceEmbedding> actual, double tolerance)
    {
        Assert.Equal(expected.Select(e => e.Id), actual.Select(e => e.Id));
        for (var i = 0; i < expected.Count; i++)
        {
            var x = expected[i].Vector.Span;
            var y = actual[i].Vector.Span;
            Assert.Equal(x.Length, y.Length);
            for (var d = 0; d < x.Length; d++)
            {
                Assert.True(Math.Abs(x[d] - y[d]) <= tolerance, $"{expected[i].Id}[{d}]: {x[d]} vs {y[d]}");
            }
        }
    }
}
