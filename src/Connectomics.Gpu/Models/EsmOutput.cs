using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary><c>output</c>: the feed-forward down-projection (bias only in v1) plus the residual connection.</summary>
internal sealed class EsmOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;

    public EsmOutput(EsmConfig config)
        : base("output")
    {
        dense = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: config.AddBiasFnn);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor intermediate, Tensor residual)
        => dense.forward(intermediate.to(dense.weight!.dtype)).to(residual.dtype) + residual;
}
