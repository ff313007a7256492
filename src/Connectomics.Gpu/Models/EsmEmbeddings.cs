using Connectomics.TorchScalars;
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

    private static readonly Scalar UnmaskedShare = (1 - MaskRatioTrain).ToScalar();

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
            Tensor isMask;
            using (var maskTokenId = _config.MaskTokenId.ToScalar())
            {
                isMask = inputIds.eq(maskTokenId);
            }

            embeddings = embeddings.masked_fill(isMask.unsqueeze(-1), ScalarConstants.ZeroDouble);
            var observed = isMask.sum(-1).to(ScalarType.Float32) / attentionMask.sum(-1);

            // embeddings * (1 - MaskRatioTrain) / (1 - observed), with 1 - observed computed as TorchSharp's operator
            // does: -observed + 1.
            var unobserved = observed.negative().add(ScalarConstants.One, ScalarConstants.One);
            embeddings = embeddings.mul(UnmaskedShare).div(unobserved.unsqueeze(-1).unsqueeze(-1)).to(embeddings.dtype);
        }

        if (_config.PositionEmbeddingType == PositionEmbeddingType.Absolute)
        {
            // Real tokens count 1, 2, 3, ... from the left, offset by the padding index; padding gets the padding index.
            using var padTokenId = _config.PadTokenId.ToScalar();
            var notPad = inputIds.ne(padTokenId).to(ScalarType.Int32);
            var positions = (notPad.cumsum(1, ScalarType.Int32) * notPad).to(ScalarType.Int64).add(padTokenId, ScalarConstants.One);
            embeddings = embeddings.add(position_embeddings.forward(positions), ScalarConstants.One);
        }

        return (embeddings * attentionMask.unsqueeze(-1)).to(embeddings.dtype);
    }
}
