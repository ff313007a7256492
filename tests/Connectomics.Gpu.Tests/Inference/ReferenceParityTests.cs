using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Models;

namespace Connectomics.Gpu.Tests.Inference;

/// <summary>Embeddings of the C# encoder against the Python reference implementation's, for NT v1 and v2.</summary>
public sealed class ReferenceParityTests
{
    public static TheoryData<string, EmbeddingPooling, AttentionImplementation> Cases()
    {
        var data = new TheoryData<string, EmbeddingPooling, AttentionImplementation>();
        foreach (var fixture in new[] { "v1-tiny", "v2-tiny", "v2-tiny-sharded", "v2-tiny-f16", "v2-tiny-bf16" })
        {
            foreach (var pooling in Enum.GetValues<EmbeddingPooling>())
            {
                foreach (var attention in Enum.GetValues<AttentionImplementation>())
                {
                    data.Add(fixture, pooling, attention);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Embeddings_match_the_reference(string name, EmbeddingPooling pooling, AttentionImplementation attention)
    {
        var fixture = ReferenceFixture.Load(name, name == "v2-tiny-sharded" ? "v2-tiny" : null);
        using var embedder = NucleotideTransformerEmbedder.CreateBuilder()
            .FromPretrained(fixture.Directory)
            .OnDevice("cpu")
            .Configure(o =>
            {
                o.Pooling = pooling;
                o.Attention = attention;
                o.MaxBatchTokens = 1024;
            })
            .Build();

        var embeddings = await embedder.EmbedAsync(fixture.Records);

        Assert.Equal(fixture.Cases.Count, embeddings.Count);
        for (var i = 0; i < fixture.Cases.Count; i++)
        {
            var expected = pooling switch
            {
                EmbeddingPooling.Mean => fixture.Cases[i].Mean,
                EmbeddingPooling.Cls => fixture.Cases[i].Cls,
                _ => fixture.Cases[i].Max,
            };
            Assert.Equal(fixture.Cases[i].Id, embeddings[i].Id);
            Assert.Equal(fixture.Cases[i].InputIds.Length, embeddings[i].TokenCount);
            var actual = embeddings[i].Vector.Span;
            Assert.Equal(expected.Length, actual.Length);
            var worst = 0.0;
            for (var d = 0; d < expected.Length; d++)
            {
                worst = Math.Max(worst, Math.Abs(expected[d] - actual[d]));
            }

            Assert.True(worst <= 1e-4, $"{name}/{fixture.Cases[i].Id}: max |Δ| = {worst:E2} > 1e-4");
        }
    }

    [Theory]
    [InlineData("v1-tiny")]
    [InlineData("v2-tiny")]
    public void Tokens_match_the_reference(string name)
    {
        var fixture = ReferenceFixture.Load(name);
        using var embedder = NucleotideTransformerEmbedder.CreateBuilder().FromPretrained(fixture.Directory).OnDevice("cpu").Build();
        foreach (var c in fixture.Cases)
        {
            Assert.Equal(c.InputIds, embedder.Tokenizer.EncodeToIds(c.Sequence));
        }
    }
}
