using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary><c>output</c>: the feed-forward down-projection (bias only in v1) plus the residual connection.</summary>
internal sealed class EsmOutput : nn.Module<Tensor, Tensor, Tensor>, IModuleSlots
{
    private static readonly string[] s_slots = [nameof(dense)];
    private nn.Module<Tensor, Tensor> dense;
    private ScalarType _projectionType = ScalarType.Float32;

    public EsmOutput(EsmConfig config)
        : base("output")
    {
        dense = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: config.AddBiasFnn);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor intermediate, Tensor residual)
        => dense.forward(intermediate.to(_projectionType)).to(residual.dtype) + residual;

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
