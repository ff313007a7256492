using System.Globalization;
using Connectomics.Gpu.Models;

namespace Connectomics.Lora.Adapters;

/// <summary>
/// The parameters of a <see cref="NucleotideTransformerModel"/> of a given shape, computed from its
/// <see cref="EsmConfig"/> without building it: the replaceable projections (name, input and output width) and the
/// total parameter count.
/// </summary>
internal static class EsmParameterLayout
{
    /// <summary>Lists the replaceable projections in the order of
    /// <see cref="ITrainableEncoder.ReplaceableModuleNames"/>.</summary>
    /// <param name="config">The model's shape.</param>
    /// <param name="withLanguageModelHead">Whether the masked-LM head is built.</param>
    /// <returns>Each projection's name and its weight's input and output widths.</returns>
    public static IReadOnlyList<(string Name, long In, long Out)> Projections(EsmConfig config, bool withLanguageModelHead)
    {
        long h = config.HiddenSize;
        long i = config.IntermediateSize;
        var list = new List<(string, long, long)>();
        for (var layer = 0; layer < config.NumHiddenLayers; layer++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"esm.encoder.layer.{layer}.");
            list.Add((prefix + "attention.output.dense", h, h));
            list.Add((prefix + "attention.self.key", h, h));
            list.Add((prefix + "attention.self.query", h, h));
            list.Add((prefix + "attention.self.value", h, h));
            list.Add((prefix + "intermediate.dense", h, config.UsesGatedFeedForward ? 2 * i : i));
            list.Add((prefix + "output.dense", i, h));
        }

        if (withLanguageModelHead)
        {
            list.Add(("lm_head.decoder", h, config.VocabSize));
            list.Add(("lm_head.dense", h, h));
        }

        return list;
    }

    /// <summary>Counts the model's parameters (buffers such as rotary frequencies excluded).</summary>
    /// <param name="config">The model's shape.</param>
    /// <param name="withLanguageModelHead">Whether the masked-LM head is built.</param>
    /// <returns>The number of scalar parameters.</returns>
    public static long ParameterCount(EsmConfig config, bool withLanguageModelHead)
    {
        long h = config.HiddenSize;
        long i = config.IntermediateSize;
        long v = config.VocabSize;
        var embeddings = (v * h) + ((long)config.MaxPositionEmbeddings * h);
        var attention = (4 * ((h * h) + h)) + (2 * h);
        var intermediate = config.UsesGatedFeedForward ? h * 2 * i : (h * i) + i;
        var output = (i * h) + (config.AddBiasFnn ? h : 0);
        var layer = attention + intermediate + output + (2 * h);
        var total = embeddings + (config.NumHiddenLayers * layer) + (2 * h);
        if (withLanguageModelHead)
        {
            total += (h * h) + h + (2 * h) + (v * h) + v;
        }

        return total;
    }
}
