using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary><c>attention</c>: pre-LayerNorm, self-attention and its output projection with the residual.</summary>
internal sealed class EsmAttention : nn.Module<Tensor, AttentionMask, Tensor>
{
    private readonly EsmSelfAttention self;
    private readonly EsmSelfOutput output;
    private readonly LayerNorm LayerNorm;

    public EsmAttention(EsmConfig config, AttentionImplementation implementation)
        : base("attention")
    {
        self = new EsmSelfAttention(config, implementation);
        output = new EsmSelfOutput(config);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden, AttentionMask mask)
        => output.forward(self.forward(LayerNorm.forward(hidden), mask), hidden);
}
