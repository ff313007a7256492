using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary>
/// <c>intermediate</c>: v1 projects to the feed-forward width with a bias and applies the exact (erf) GELU; v2
/// projects to twice that width without bias, and multiplies SiLU of the first half (the gate) by the second half.
/// </summary>
internal sealed class EsmIntermediate : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;
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
        var projected = dense.forward(hidden.to(dense.weight!.dtype));
        if (_gated)
        {
            var halves = projected.chunk(2, -1);
            return nn.functional.silu(halves[0]) * halves[1];
        }

        // x * 0.5 * (1 + erf(x / sqrt(2))), in this order, as ESM writes it.
        return projected * 0.5 * (1.0 + torch.special.erf(projected / Math.Sqrt(2.0)));
    }
}
