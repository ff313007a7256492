using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary>
/// <c>intermediate</c>: v1 projects to the feed-forward width with a bias and applies the exact (erf) GELU; v2
/// projects to twice that width without bias, and multiplies SiLU of the first half (the gate) by the second half.
/// </summary>
internal sealed class EsmIntermediate : nn.Module<Tensor, Tensor>, IHasProjections
{
    private readonly bool _gated;

    public EsmIntermediate(EsmConfig config)
        : base("intermediate")
    {
        _gated = config.UsesGatedFeedForward;
        var dense = _gated
            ? nn.Linear(config.HiddenSize, 2L * config.IntermediateSize, hasBias: false)
            : nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: true);
        Projections = new ProjectionSlots(this, (nameof(dense), dense));
        RegisterComponents();
    }

    /// <inheritdoc />
    public ProjectionSlots Projections { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden)
    {
        var projected = Projections.Project("dense", hidden);
        if (_gated)
        {
            var halves = projected.chunk(2, -1);
            return nn.functional.silu(halves[0]) * halves[1];
        }

        return ExactGelu.Apply(projected);
    }
}
