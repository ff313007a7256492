using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary><c>attention.output</c>: the output projection plus the residual connection.</summary>
internal sealed class EsmSelfOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;

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
        => dense.forward(context.to(dense.weight!.dtype)).to(residual.dtype) + residual;
}
