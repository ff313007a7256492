using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary><c>attention.output</c>: the output projection plus the residual connection.</summary>
internal sealed class EsmSelfOutput : nn.Module<Tensor, Tensor, Tensor>, IModuleSlots
{
    private static readonly string[] s_slots = [nameof(dense)];
    private nn.Module<Tensor, Tensor> dense;
    private ScalarType _projectionType = ScalarType.Float32;

    public EsmSelfOutput(EsmConfig config)
        : base("output")
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    /// <summary>Projects the attention context and adds the residual.</summary>
    /// <param name="context">The attention context [B, S, H].</param>
    /// <param name="residual">The layer input (float32).</param>
    /// <returns>The sum, in the residual's dtype.</returns>
    public override Tensor forward(Tensor context, Tensor residual)
        => dense.forward(context.to(_projectionType)).to(residual.dtype) + residual;

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
