using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary><c>esm</c>: embeddings followed by the encoder.</summary>
internal sealed class EsmModel : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly EsmEmbeddings embeddings;
    private readonly EsmEncoder encoder;

    public EsmModel(EsmConfig config, AttentionImplementation implementation)
        : base("esm")
    {
        embeddings = new EsmEmbeddings(config);
        encoder = new EsmEncoder(config, implementation);
        RegisterComponents();
    }

    /// <summary>Gets the layer stack.</summary>
    public EsmEncoder Encoder => encoder;

    /// <inheritdoc />
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        var mask = new AttentionMask(attentionMask);
        return encoder.forward(embeddings.forward(inputIds, attentionMask), mask);
    }
}
