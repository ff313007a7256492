using Connectomics.TorchScalars;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary><c>attention.output</c>: the output projection plus the residual connection.</summary>
internal sealed class EsmSelfOutput : nn.Module<Tensor, Tensor, Tensor>, IHasProjections
{
    public EsmSelfOutput(EsmConfig config)
        : base("output")
    {
        Projections = new ProjectionSlots(this, ("dense", nn.Linear(config.HiddenSize, config.HiddenSize)));
        RegisterComponents();
    }

    /// <inheritdoc />
    public ProjectionSlots Projections { get; }

    /// <summary>Projects the attention context and adds the residual.</summary>
    /// <param name="context">The attention context [B, S, H].</param>
    /// <param name="residual">The layer input (float32).</param>
    /// <returns>The sum, in the residual's dtype.</returns>
    public override Tensor forward(Tensor context, Tensor residual)
        => Projections.Project("dense", context).to(residual.dtype).add(residual, ScalarConstants.One);
}
