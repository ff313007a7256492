using Connectomics.TorchScalars;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary><c>output</c>: the feed-forward down-projection (bias only in v1) plus the residual connection.</summary>
internal sealed class EsmOutput : nn.Module<Tensor, Tensor, Tensor>, IHasProjections
{
    public EsmOutput(EsmConfig config)
        : base("output")
    {
        Projections = new ProjectionSlots(this, ("dense", nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: config.AddBiasFnn)));
        RegisterComponents();
    }

    /// <inheritdoc />
    public ProjectionSlots Projections { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor intermediate, Tensor residual)
        => Projections.Project("dense", intermediate).to(residual.dtype).add(residual, ScalarConstants.One);
}
