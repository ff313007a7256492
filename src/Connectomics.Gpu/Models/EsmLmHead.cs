using Connectomics.TorchScalars;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary>
/// <c>lm_head</c> of Hugging Face's <c>EsmForMaskedLM</c>: <c>dense</c> → GELU (erf) → <c>layer_norm</c> →
/// <c>decoder</c> (no bias) plus the separate <c>bias</c>. NT checkpoints do not tie the decoder to the word
/// embeddings (<c>tie_word_embeddings: false</c>) and store it.
/// </summary>
internal sealed class EsmLmHead : nn.Module<Tensor, Tensor>, IHasProjections
{
    private readonly LayerNorm layer_norm;
    private readonly Parameter bias;

    public EsmLmHead(EsmConfig config)
        : base("lm_head")
    {
        Projections = new ProjectionSlots(
            this,
            ("dense", nn.Linear(config.HiddenSize, config.HiddenSize)),
            ("decoder", nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false)));
        layer_norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        bias = new Parameter(torch.zeros(config.VocabSize));
        RegisterComponents();
    }

    /// <inheritdoc />
    public ProjectionSlots Projections { get; }

    /// <summary>Maps hidden states to vocabulary logits.</summary>
    /// <param name="features">The encoder's last hidden state [B, S, H] (or any [..., H]).</param>
    /// <returns>The logits [..., V] (float32).</returns>
    public override Tensor forward(Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        var x = Projections.Project("dense", features).to(ScalarType.Float32);
        x = ExactGelu.Apply(x);
        x = layer_norm.forward(x);
        var logits = Projections.Project("decoder", x).to(ScalarType.Float32).add(bias, ScalarConstants.One);
        return scope.MoveToOuter(logits);
    }
}
