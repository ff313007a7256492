using Connectomics.Gpu.Inference;
using Connectomics.Sequences;

namespace Connectomics.Embed.Tests;

/// <summary>
/// The model the tool builds by default (the tiny preset, seed 0, mean pooling, no normalisation), built here to
/// compare the tool's vectors with the model's direct output.
/// </summary>
internal static class ReferenceModel
{
    public static NucleotideTransformerEmbedder Build(long seed = 0) =>
        NucleotideTransformerEmbedder.CreateBuilder()
            .OnDevice("cpu")
            .Configure(o =>
            {
                o.MaxBatchTokens = 8192;
                o.Tokenizer.UpperCaseFirst = false;
            })
            .FromPreset("tiny", seed)
            .Build();

    /// <summary>The model's vectors for the reads, by id, each read upper-cased first as the tool's sources do.</summary>
    public static async Task<Dictionary<string, float[]>> EmbedUpperCasedAsync(IEnumerable<(string Id, string Sequence)> reads)
    {
        using var model = Build();
        var records = reads.Select(r => new SequenceRecord(r.Id, r.Sequence.ToUpperInvariant())).ToList();
        var embeddings = await model.EmbedAsync(records);
        return embeddings.ToDictionary(e => e.Record.Id, e => e.Vector.ToArray(), StringComparer.Ordinal);
    }

    public static void AssertClose(float[] expected, float[] actual, string id)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"{id}[{i}]: {expected[i]} vs {actual[i]}");
        }
    }
}
