using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Connectomics.Embeddings;
using Connectomics.Gpu.Models;
using Connectomics.Gpu.Tokenization;
using Connectomics.Gpu.Weights;

namespace Connectomics.Gpu.Inference;

/// <summary>
/// Describes a built embedder as a <see cref="ModelDescriptor"/>: its fingerprint is the SHA-256 (lower-case hex) of a
/// canonical UTF-8 text that lists everything that changes the vectors, and nothing else.
/// </summary>
/// <remarks>
/// <para>The canonical text has four sections, one <c>key=value</c> per line, in this fixed order:</para>
/// <list type="bullet">
/// <item><c>[model]</c>: the architecture and every field of <see cref="EsmConfig"/>, <c>max_tokens</c> included.</item>
/// <item><c>[vocabulary]</c>: the token count, the embedding rows and every token as <c>length:token</c>, in id order.</item>
/// <item><c>[weights]</c>: every state-dict tensor as loaded (before any device placement or precision change), in
/// ordinal name order: name, dtype, shape, byte length and the SHA-256 of its bytes (<see cref="StateDictDigest"/>).</item>
/// <item><c>[embedder]</c>: the settings that change the output (pooling, normalisation, long-read policy, the token
/// limit, the tokenizer's case and alphabet handling, the compute precision and the attention implementation).</item>
/// </list>
/// <para>
/// The name, the devices, the batch sizes and the worker layout are left out: they change vectors by float rounding at
/// most. A renamed copy of a checkpoint, a sharded copy, or an f16 or bf16 copy that loads to the same float32
/// values, has the same fingerprint; a preset's fingerprint is that of its seeded random weights.
/// </para>
/// <para>
/// Cost: the weights are hashed once, at build time, each tensor on its own and the tensors spread over the cores.
/// SHA-256 ran at 1.5 GB/s on one core of an idle 2-core AMD EPYC with SHA extensions, 2.8 GB/s on both; the
/// 500m-human-ref preset (1.8 GiB of float32 weights, 388 tensors) took 3.6 s on the same machine under heavy load
/// from other processes. A 2.5B-parameter checkpoint holds about 10 GB of float32 weights: about 6.5 s on one idle
/// core, 3.6 s on two, less with more cores.
/// </para>
/// </remarks>
internal static class NucleotideTransformerDescriptor
{
    /// <summary>The first line of the canonical text; a new version of the form gets a new line.</summary>
    internal const string FormatLine = "connectomics nucleotide-transformer fingerprint 1";

    /// <summary>Describes an embedder.</summary>
    /// <param name="name">The embedder's name.</param>
    /// <param name="config">The model's configuration.</param>
    /// <param name="vocabulary">The tokenizer's vocabulary.</param>
    /// <param name="weights">The digests of the weights as loaded.</param>
    /// <param name="options">The embedder's (validated) options.</param>
    /// <param name="precision">The precision the projections run in (float32 unless a replica is on CUDA).</param>
    /// <param name="maxTokens">The most tokens per window in effect.</param>
    /// <returns>The descriptor.</returns>
    public static ModelDescriptor Create(
        string name,
        EsmConfig config,
        NucleotideVocabulary vocabulary,
        IReadOnlyList<StateDictDigest.Entry> weights,
        NucleotideTransformerEmbedderOptions options,
        ComputePrecision precision,
        int maxTokens)
    {
        var settings = Settings(options, precision, maxTokens);
        var canonical = CanonicalForm(config, vocabulary, weights, settings);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["model_type"] = "esm",
            ["version"] = Version(config),
        };
        foreach (var (key, value) in settings)
        {
            properties[key] = value;
        }

        return new ModelDescriptor(name, config.HiddenSize, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))))
        {
            Properties = properties,
        };
    }

    /// <summary>The embedder settings that change the vectors, as they appear in the canonical text and the
    /// descriptor's properties.</summary>
    /// <param name="options">The embedder's options.</param>
    /// <param name="precision">The precision the projections run in.</param>
    /// <param name="maxTokens">The most tokens per window in effect.</param>
    /// <returns>The settings, in canonical order.</returns>
    internal static IReadOnlyList<KeyValuePair<string, string>> Settings(NucleotideTransformerEmbedderOptions options, ComputePrecision precision, int maxTokens) =>
    [
        new("pooling", options.Pooling switch
        {
            EmbeddingPooling.Mean => "mean",
            EmbeddingPooling.Cls => "cls",
            EmbeddingPooling.Max => "max",
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Pooling, "Unknown pooling."),
        }),
        new("normalize", Format(options.Normalize)),
        new("long_reads", options.LongSequences switch
        {
            LongSequencePolicy.Reject => "reject",
            LongSequencePolicy.Truncate => "truncate",
            LongSequencePolicy.Split => "split",
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.LongSequences, "Unknown long-sequence policy."),
        }),
        new("max_tokens", Format(maxTokens)),
        new("upper_case_first", Format(options.Tokenizer.UpperCaseFirst)),
        new("strict_nucleotides", Format(options.Tokenizer.StrictNucleotides)),
        new("precision", precision switch
        {
            ComputePrecision.Float32 => "float32",
            ComputePrecision.BFloat16 => "bfloat16",
            ComputePrecision.Float16 => "float16",
            _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown precision."),
        }),
        new("attention", options.Attention switch
        {
            AttentionImplementation.ScaledDotProduct => "scaled-dot-product",
            AttentionImplementation.Eager => "eager",
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Attention, "Unknown attention implementation."),
        }),
    ];

    /// <summary>Writes the canonical text the fingerprint is the SHA-256 of.</summary>
    /// <param name="config">The model's configuration.</param>
    /// <param name="vocabulary">The vocabulary.</param>
    /// <param name="weights">The weight digests, in ordinal name order.</param>
    /// <param name="settings">The embedder settings (<see cref="Settings"/>).</param>
    /// <returns>The text; every line ends with <c>\n</c>.</returns>
    internal static string CanonicalForm(
        EsmConfig config,
        NucleotideVocabulary vocabulary,
        IReadOnlyList<StateDictDigest.Entry> weights,
        IReadOnlyList<KeyValuePair<string, string>> settings)
    {
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        void Field(string key, string value) => Line(key + "=" + value);

        Line(FormatLine);
        Line("[model]");
        Field("model_type", "esm");
        Field("version", Version(config));
        Field("hidden_size", Format(config.HiddenSize));
        Field("num_hidden_layers", Format(config.NumHiddenLayers));
        Field("num_attention_heads", Format(config.NumAttentionHeads));
        Field("intermediate_size", Format(config.IntermediateSize));
        Field("vocab_size", Format(config.VocabSize));
        Field("max_position_embeddings", Format(config.MaxPositionEmbeddings));
        Field("position_embedding_type", config.PositionEmbeddingType == PositionEmbeddingType.Absolute ? "absolute" : "rotary");
        Field("token_dropout", Format(config.TokenDropout));
        Field("add_bias_fnn", Format(config.AddBiasFnn));
        Field("layer_norm_eps", config.LayerNormEps.ToString("R", CultureInfo.InvariantCulture));
        Field("pad_token_id", Format(config.PadTokenId));
        Field("mask_token_id", Format(config.MaskTokenId));
        Field("emb_layer_norm_before", Format(config.EmbLayerNormBefore));
        Field("max_tokens", Format(config.MaxTokens));

        Line("[vocabulary]");
        Field("count", Format(vocabulary.Count));
        Field("embedding_size", Format(vocabulary.EmbeddingSize));
        foreach (var token in vocabulary.Tokens)
        {
            Line(Format(token.Length) + ":" + token);
        }

        Line("[weights]");
        Field("count", Format(weights.Count));
        foreach (var weight in weights)
        {
            Line(weight.ToCanonicalLine());
        }

        Line("[embedder]");
        foreach (var (key, value) in settings)
        {
            Field(key, value);
        }

        return text.ToString();
    }

    private static string Version(EsmConfig config) =>
        config.PositionEmbeddingType == PositionEmbeddingType.Absolute ? "nt-v1" : "nt-v2";

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(bool value) => value ? "true" : "false";
}
