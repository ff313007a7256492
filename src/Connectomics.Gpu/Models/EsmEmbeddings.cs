using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary>
/// <c>esm.embeddings</c>: token lookup, token-dropout rescaling (v1), learned absolute positions (v1), and zeroing
/// of padded positions. The position table exists in v2 checkpoints too and is loaded, but not added.
/// </summary>
internal sealed class EsmEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>The training-time masking rate times the mask-token probability, hard-coded in ESM.</summary>
    private const double MaskRatioTrain = 0.15 * 0.8;

    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly EsmConfig _config;

    public EsmEmbeddings(EsmConfig config)
        : base("embeddings")
    {
        _config = config;
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize, padding_idx: config.PadTokenId);
        RegisterComponents();
    }

    /// <summary>Embeds a padded batch.</summary>
    /// <param name="inputIds">Token ids [B, S] (int64).</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding [B, S] (int64).</param>
    /// <returns>The embeddings [B, S, H].</returns>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        var embeddings = word_embeddings.forward(inputIds);
        if (_config.TokenDropout)
        {
            var isMask = inputIds.eq(_config.MaskTokenId);
            embeddings = embeddings.masked_fill(isMask.unsqueeze(-1), 0.0);
            var observed = isMask.sum(-1).to(ScalarType.Float32) / attentionMask.sum(-1);
            embeddings = (embeddings * (1 - MaskRatioTrain) / (1 - observed).unsqueeze(-1).unsqueeze(-1)).to(embeddings.dtype);
        }

        if (_config.PositionEmbeddingType == PositionEmbeddingType.Absolute)
        {
            // Real tokens count 1, 2, 3, ... from the left, offset by the padding index; padding gets the padding index.
            var notPad = inputIds.ne(_config.PadTokenId).to(ScalarType.Int32);
            var positions = (notPad.cumsum(1, ScalarType.Int32) * notPad).to(ScalarType.Int64) + _config.PadTokenId;
            embeddings = embeddings + position_embeddings.forward(positions);
        }

        return (embeddings * attentionMask.unsqueeze(-1)).to(embeddings.dtype);
    }
}
