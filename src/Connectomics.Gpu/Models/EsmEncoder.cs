using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary><c>encoder</c>: the layer stack and the final <c>emb_layer_norm_after</c>.</summary>
internal sealed class EsmEncoder : nn.Module<Tensor, AttentionMask, Tensor>
{
    private readonly ModuleList<EsmLayer> layer;
    private readonly LayerNorm emb_layer_norm_after;

    public EsmEncoder(EsmConfig config, AttentionImplementation implementation)
        : base("encoder")
    {
        layer = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new EsmLayer(config, implementation)).ToArray());
        emb_layer_norm_after = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        RegisterComponents();
    }

    /// <summary>Gets or sets a value indicating whether, while autograd is enabled, each layer keeps only its input for
    /// the backward pass and is run again there (see <see cref="EsmLayerCheckpoint"/>).</summary>
    public bool GradientCheckpointing { get; set; }

    /// <summary>Runs every layer, keeping only one layer's intermediates alive at a time.</summary>
    /// <param name="hidden">The embeddings [B, S, H]; disposed once the first layer has consumed them.</param>
    /// <param name="mask">The key mask.</param>
    /// <returns>The last hidden state after the final LayerNorm.</returns>
    public override Tensor forward(Tensor hidden, AttentionMask mask)
    {
        var current = hidden;
        var checkpointed = GradientCheckpointing && torch.is_grad_enabled();
        foreach (var block in layer)
        {
            Tensor next;
            using (var scope = torch.NewDisposeScope())
            {
                next = scope.MoveToOuter(checkpointed ? EsmLayerCheckpoint.Run(block, current, mask) : block.forward(current, mask));
            }

            current.Dispose();
            current = next;
        }

        var result = emb_layer_norm_after.forward(current);
        current.Dispose();
        return result;
    }
}
