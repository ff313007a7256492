using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary>
/// <c>lm_head</c> of Hugging Face's <c>EsmForMaskedLM</c>: <c>dense</c> → GELU (erf) → <c>layer_norm</c> →
/// <c>decoder</c> (no bias) plus the separate <c>bias</c>. NT checkpoints do not tie the decoder to the word
/// embeddings (<c>tie_word_embeddings: false</c>) and store it.
/// </summary>
internal sealed class EsmLmHead : nn.Module<Tensor, Tensor>, IModuleSlots
{
    private static readonly string[] s_slots = [nameof(dense), nameof(decoder)];
    private nn.Module<Tensor, Tensor> dense;
    private readonly LayerNorm layer_norm;
    private nn.Module<Tensor, Tensor> decoder;
    private readonly Parameter bias;
    private ScalarType _projectionType = ScalarType.Float32;

    public EsmLmHead(EsmConfig config)
        : base("lm_head")
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        layer_norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        decoder = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        bias = new Parameter(torch.zeros(config.VocabSize));
        RegisterComponents();
    }

    /// <summary>Maps hidden states to vocabulary logits.</summary>
    /// <param name="features">The encoder's last hidden state [B, S, H] (or any [..., H]).</param>
    /// <returns>The logits [..., V] (float32).</returns>
    public override Tensor forward(Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        var x = dense.forward(features.to(_projectionType)).to(ScalarType.Float32);
        x = x * 0.5 * (1.0 + torch.special.erf(x / Math.Sqrt(2.0)));
        x = layer_norm.forward(x);
        var logits = decoder.forward(x.to(_projectionType)).to(ScalarType.Float32) + bias;
        return scope.MoveToOuter(logits);
    }

    /// <inheritdoc />
    public IReadOnlyList<string> SlotNames => s_slots;

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> GetSlot(string name) => name switch
    {
        nameof(dense) => dense,
        nameof(decoder) => decoder,
        _ => throw ModuleSlotRegistration.UnknownSlot(this, name, s_slots),
    };

    /// <inheritdoc />
    public void SetSlot(string name, nn.Module<Tensor, Tensor> module)
    {
        switch (name)
        {
            case nameof(dense):
                dense = module;
                break;
            case nameof(decoder):
                decoder = module;
                break;
            default:
                throw ModuleSlotRegistration.UnknownSlot(this, name, s_slots);
        }

        ModuleSlotRegistration.Replace(this, name, module);
    }

    /// <inheritdoc />
    public void SetProjectionType(ScalarType dtype) => _projectionType = dtype;
}
