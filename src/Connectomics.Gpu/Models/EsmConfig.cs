using System.Text.Json;
using System.Text.Json.Nodes;

namespace Connectomics.Gpu.Models;

/// <summary>
/// The shape of an ESM encoder as the Nucleotide Transformer uses it, with the field names of the Hugging Face
/// <c>config.json</c>. v1 models use learned absolute positions, token-dropout rescaling and a GELU feed-forward with
/// biases; v2 models use rotary embeddings and a gated SiLU (SwiGLU) feed-forward without biases.
/// </summary>
public sealed record EsmConfig
{
    /// <summary>Gets the width of every hidden state (the embedding dimension).</summary>
    public required int HiddenSize { get; init; }

    /// <summary>Gets the number of encoder layers.</summary>
    public required int NumHiddenLayers { get; init; }

    /// <summary>Gets the number of attention heads.</summary>
    public required int NumAttentionHeads { get; init; }

    /// <summary>Gets the feed-forward width (the SwiGLU projection has twice as many outputs).</summary>
    public required int IntermediateSize { get; init; }

    /// <summary>Gets the number of rows of the token embedding table (4105 for v1, 4107 for v2).</summary>
    public required int VocabSize { get; init; }

    /// <summary>Gets the number of rows of the position table (1002 for v1, 2050 for v2).</summary>
    public required int MaxPositionEmbeddings { get; init; }

    /// <summary>Gets how positions are encoded.</summary>
    public required PositionEmbeddingType PositionEmbeddingType { get; init; }

    /// <summary>Gets a value indicating whether embeddings are rescaled for masked tokens (v1).</summary>
    public bool TokenDropout { get; init; }

    /// <summary>Gets a value indicating whether the feed-forward has biases and a GELU (true, v1) or is a bias-free
    /// SwiGLU (false, v2).</summary>
    /// <value>The default value is <see langword="true"/>, as in the Hugging Face config class.</value>
    public bool AddBiasFnn { get; init; } = true;

    /// <summary>Gets the epsilon of every LayerNorm.</summary>
    /// <value>The default value is 1e-12.</value>
    public double LayerNormEps { get; init; } = 1e-12;

    /// <summary>Gets the padding token id.</summary>
    /// <value>The default value is 1.</value>
    public int PadTokenId { get; init; } = 1;

    /// <summary>Gets the mask token id.</summary>
    /// <value>The default value is 2.</value>
    public int MaskTokenId { get; init; } = 2;

    /// <summary>Gets a value indicating whether a LayerNorm follows the embeddings (false for every NT model).</summary>
    public bool EmbLayerNormBefore { get; init; }

    /// <summary>Gets the most tokens (CLS included) one sequence may have: the tokenizer's <c>model_max_length</c>.</summary>
    /// <value>The default value is <see cref="MaxPositionEmbeddings"/> − 2 (1000 for NT v1, 2048 for NT v2).</value>
    public int MaxTokens
    {
        get => _maxTokens ?? (MaxPositionEmbeddings - 2);
        init => _maxTokens = value;
    }

    private readonly int? _maxTokens;

    /// <summary>Gets the width of one attention head.</summary>
    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>Gets a value indicating whether the feed-forward is the gated SiLU of NT v2.</summary>
    public bool UsesGatedFeedForward => !AddBiasFnn;

    /// <summary>Gets the width of a layer's widest per-token activation: the feed-forward projection (twice the
    /// intermediate size for the gated feed-forward), or the hidden state for unusually narrow feed-forwards.</summary>
    internal long WidestActivationWidth => Math.Max(UsesGatedFeedForward ? 2L * IntermediateSize : IntermediateSize, HiddenSize);

    /// <summary>Throws when the shape is inconsistent.</summary>
    /// <exception cref="ArgumentException">A field is out of range or fields disagree.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (HiddenSize <= 0) errors.Add($"{nameof(HiddenSize)} must be positive (was {HiddenSize}).");
        if (NumHiddenLayers <= 0) errors.Add($"{nameof(NumHiddenLayers)} must be positive (was {NumHiddenLayers}).");
        if (NumAttentionHeads <= 0) errors.Add($"{nameof(NumAttentionHeads)} must be positive (was {NumAttentionHeads}).");
        else if (HiddenSize % NumAttentionHeads != 0) errors.Add($"{nameof(HiddenSize)} ({HiddenSize}) must be a multiple of {nameof(NumAttentionHeads)} ({NumAttentionHeads}).");
        else if (PositionEmbeddingType == PositionEmbeddingType.Rotary && HeadDim % 2 != 0) errors.Add($"Rotary embeddings need an even head width (was {HeadDim}).");
        if (IntermediateSize <= 0) errors.Add($"{nameof(IntermediateSize)} must be positive (was {IntermediateSize}).");
        if (VocabSize <= Math.Max(PadTokenId, MaskTokenId)) errors.Add($"{nameof(VocabSize)} ({VocabSize}) must exceed the pad and mask ids.");
        if (MaxPositionEmbeddings <= PadTokenId + 1) errors.Add($"{nameof(MaxPositionEmbeddings)} must exceed {PadTokenId + 1} (was {MaxPositionEmbeddings}).");
        if (MaxTokens < 2) errors.Add($"{nameof(MaxTokens)} must be at least 2 (was {MaxTokens}).");
        if (PositionEmbeddingType == PositionEmbeddingType.Absolute && MaxTokens + PadTokenId + 1 > MaxPositionEmbeddings)
            errors.Add($"{nameof(MaxTokens)} ({MaxTokens}) does not fit the {MaxPositionEmbeddings}-row position table (positions start at {PadTokenId + 1}).");
        if (LayerNormEps <= 0) errors.Add($"{nameof(LayerNormEps)} must be positive (was {LayerNormEps}).");
        if (errors.Count > 0)
        {
            throw new ArgumentException($"{nameof(EsmConfig)} is invalid: {string.Join(" ", errors)}");
        }
    }

    /// <summary>Reads a Hugging Face <c>config.json</c> (NT v1 or v2).</summary>
    /// <param name="path">The file, or a checkpoint directory holding <c>config.json</c>.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="ModelConfigurationException">The file is missing, not JSON, or lacks a required field.</exception>
    public static EsmConfig FromHuggingFaceFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var file = Directory.Exists(path) ? Path.Combine(path, "config.json") : path;
        if (!File.Exists(file))
        {
            throw new ModelConfigurationException($"'{file}' does not exist.");
        }

        var json = ReadJsonObject(file);

        int Required(string name)
        {
            if (json[name] is JsonValue v && v.TryGetValue<int>(out var value))
            {
                return value;
            }

            throw new ModelConfigurationException($"'{file}' lacks the integer field '{name}'.");
        }

        var positionType = (string?)json["position_embedding_type"] ?? "absolute";
        var config = new EsmConfig
        {
            HiddenSize = Required("hidden_size"),
            NumHiddenLayers = Required("num_hidden_layers"),
            NumAttentionHeads = Required("num_attention_heads"),
            IntermediateSize = Required("intermediate_size"),
            VocabSize = Required("vocab_size"),
            MaxPositionEmbeddings = Required("max_position_embeddings"),
            PositionEmbeddingType = positionType switch
            {
                "absolute" => PositionEmbeddingType.Absolute,
                "rotary" => PositionEmbeddingType.Rotary,
                _ => throw new ModelConfigurationException($"'{file}': position_embedding_type '{positionType}' is not supported (expected 'absolute' or 'rotary')."),
            },
            TokenDropout = (bool?)json["token_dropout"] ?? false,
            AddBiasFnn = (bool?)json["add_bias_fnn"] ?? true,
            LayerNormEps = (double?)json["layer_norm_eps"] ?? 1e-12,
            PadTokenId = (int?)json["pad_token_id"] ?? 1,
            MaskTokenId = (int?)json["mask_token_id"] ?? 2,
            EmbLayerNormBefore = (bool?)json["emb_layer_norm_before"] ?? false,
        };

        if (config.EmbLayerNormBefore)
        {
            throw new ModelConfigurationException($"'{file}': emb_layer_norm_before=true is not used by any Nucleotide Transformer model and is not supported.");
        }

        var tokenizerConfig = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, "tokenizer_config.json");
        if (File.Exists(tokenizerConfig)
            && ReadJsonObject(tokenizerConfig)["model_max_length"] is JsonValue max
            && max.TryGetValue<long>(out var maxTokens) && maxTokens > 1 && maxTokens < int.MaxValue)
        {
            config = config with { MaxTokens = (int)maxTokens };
        }

        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ModelConfigurationException($"'{file}': {e.Message}", e);
        }

        return config;
    }

    private static JsonObject ReadJsonObject(string file)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(file));
        }
        catch (JsonException e)
        {
            throw new ModelConfigurationException($"'{file}' is not valid JSON: {e.Message}", e);
        }

        return root as JsonObject ?? throw new ModelConfigurationException($"'{file}' does not hold a JSON object.");
    }

    /// <summary>Writes this configuration as a Hugging Face <c>config.json</c> that <see cref="FromHuggingFaceFile"/>
    /// (and transformers) read back.</summary>
    /// <returns>The JSON text.</returns>
    public string ToHuggingFaceJson()
    {
        var json = new JsonObject
        {
            ["architectures"] = new JsonArray("EsmForMaskedLM"),
            ["model_type"] = "esm",
            ["hidden_size"] = HiddenSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["intermediate_size"] = IntermediateSize,
            ["vocab_size"] = VocabSize,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["position_embedding_type"] = PositionEmbeddingType == PositionEmbeddingType.Absolute ? "absolute" : "rotary",
            ["token_dropout"] = TokenDropout,
            ["layer_norm_eps"] = LayerNormEps,
            ["pad_token_id"] = PadTokenId,
            ["mask_token_id"] = MaskTokenId,
            ["emb_layer_norm_before"] = false,
            ["hidden_dropout_prob"] = 0.0,
            ["attention_probs_dropout_prob"] = 0.0,
            ["tie_word_embeddings"] = false,
            ["torch_dtype"] = "float32",
        };
        if (!AddBiasFnn)
        {
            json["add_bias_fnn"] = false;
        }

        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
