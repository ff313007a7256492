using Connectomics.TorchScalars;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary><c>attention.self</c>: query/key/value projections, rotary positions (v2), masked softmax attention.</summary>
internal sealed class EsmSelfAttention : nn.Module<Tensor, AttentionMask, Tensor>, IHasProjections
{
    private readonly RotaryEmbedding? rotary_embeddings;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly AttentionImplementation _implementation;

    public EsmSelfAttention(EsmConfig config, AttentionImplementation implementation)
        : base("self")
    {
        _heads = config.NumAttentionHeads;
        _headDim = config.HeadDim;
        _implementation = implementation;
        Projections = new ProjectionSlots(
            this,
            ("query", nn.Linear(config.HiddenSize, config.HiddenSize)),
            ("key", nn.Linear(config.HiddenSize, config.HiddenSize)),
            ("value", nn.Linear(config.HiddenSize, config.HiddenSize)));
        if (config.PositionEmbeddingType == PositionEmbeddingType.Rotary)
        {
            rotary_embeddings = new RotaryEmbedding(_headDim);
        }

        RegisterComponents();
    }

    /// <inheritdoc />
    public ProjectionSlots Projections { get; }

    /// <summary>Attends over a normalised hidden state [B, S, H].</summary>
    /// <param name="hidden">The input (already through the attention LayerNorm).</param>
    /// <param name="mask">The key mask of the batch.</param>
    /// <returns>The attention context [B, S, H], in the projections' dtype.</returns>
    public override Tensor forward(Tensor hidden, AttentionMask mask)
    {
        var batch = hidden.shape[0];
        var length = hidden.shape[1];
        var x = hidden.to(Projections.InputType);
        var q = SplitHeads(Projections.Project("query", x), batch, length);
        var k = SplitHeads(Projections.Project("key", x), batch, length);
        var v = SplitHeads(Projections.Project("value", x), batch, length);

        Tensor context;
        if (_implementation == AttentionImplementation.Eager)
        {
            // ESM scales the queries (not the scores) before the rotation.
            using (var scale = Math.Pow(_headDim, -0.5).ToScalar())
            {
                q = q.mul(scale);
            }

            if (rotary_embeddings is not null)
            {
                (q, k) = rotary_embeddings.forward(q, k);
            }

            var scores = q.matmul(k.transpose(-1, -2)).add(mask.Additive.to(q.dtype), ScalarConstants.One);
            context = scores.softmax(-1).matmul(v);
        }
        else
        {
            // The fused kernel scales by d^-1/2 itself; the rotation is linear, so the order does not matter.
            if (rotary_embeddings is not null)
            {
                (q, k) = rotary_embeddings.forward(q, k);
            }

            context = nn.functional.scaled_dot_product_attention(q, k, v, mask.Boolean, 0.0, false);
        }

        return context.transpose(1, 2).contiguous().view(batch, length, _heads * _headDim);
    }

    private Tensor SplitHeads(Tensor x, long batch, long length) => x.view(batch, length, _heads, _headDim).transpose(1, 2);
}
