using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary>
/// <c>intermediate</c>: v1 projects to the feed-forward width with a bias and applies the exact (erf) GELU; v2
/// projects to twice that width without bias, and multiplies SiLU of the first half (the gate) by the second half.
/// </summary>
internal sealed class EsmIntermediate : nn.Module<Tensor, Tensor>, IModuleSlots
{
    private static readonly string[] s_slots = [nameof(dense)];
    private nn.Module<Tensor, Tensor> dense;
    private ScalarType _projectionType = ScalarType.Float32;
    private readonly bool _gated;

    public EsmIntermediate(EsmConfig config)
        : base("intermediate")
    {
        _gated = config.UsesGatedFeedForward;
        dense = _gated
            ? nn.Linear(config.HiddenSize, 2L * config.IntermediateSize, hasBias: false)
            : nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: true);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden)
    {
        var projected = dense.forward(hidden.to(_projectionType));
        if (_gated)
        {
            var halves = projected.chunk(2, -1);
            return nn.functional.silu(halves[0]) * halves[1];
        }

        // x * 0.5 * (1 + erf(x / sqrt(2))), in this order, as ESM writes it.
        return projected * 0.5 * (1.0 + torch.special.erf(projected / Math.Sqrt(2.0)));
    }

    /// <inheritdoc />
    public IReadOnlyList<string> SlotNames => s_slots;

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> GetSlot(string name)
        => name == nameof(dense) ? dense : throw ModuleSlotRegistration.UnknownSlot(this, name, s_slots);

    /// <inheritdoc />
    public void SetSlot(string name, nn.Module<Tensor, Tensor> module)
    {
        if (name != nameof(dense))
        {
            throw ModuleSlotRegistration.UnknownSlot(this, name, s_slots);
        }

        dense = module;
        ModuleSlotRegistration.Replace(this, name, module);
    }

    /// <inheritdoc />
    public void SetProjectionType(ScalarType dtype) => _projectionType = dtype;
}
