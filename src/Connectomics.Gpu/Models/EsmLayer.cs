using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary><c>encoder.layer.{i}</c>: a pre-LayerNorm transformer layer.</summary>
internal sealed class EsmLayer : nn.Module<Tensor, AttentionMask, Tensor>
{
    private readonly EsmAttention attention;
    private readonly EsmIntermediate intermediate;
    private readonly EsmOutput output;
    private readonly LayerNorm LayerNorm;

    public EsmLayer(EsmConfig config, AttentionImplementation implementation)
        : base("layer")
    {
        attention = new EsmAttention(config, implementation);
        intermediate = new EsmIntermediate(config);
        output = new EsmOutput(config);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor hidden, AttentionMask mask)
    {
        var attended = attention.forward(hidden, mask);
        return output.forward(intermediate.forward(LayerNorm.forward(attended)), attended);
    }
}
