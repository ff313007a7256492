using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary>
/// The root module of an NT encoder. Its state-dict keys are those of a Hugging Face <c>EsmForMaskedLM</c>
/// checkpoint: the encoder under <c>esm.</c> and, when built, the masked-LM head under <c>lm_head.</c> (the contact
/// head is never built).
/// </summary>
internal sealed class EsmEncoderModel : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly EsmModel esm;
    private EsmLmHead? lm_head;

    public EsmEncoderModel(EsmConfig config, AttentionImplementation implementation = AttentionImplementation.ScaledDotProduct)
        : base(nameof(EsmEncoderModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        esm = new EsmModel(config, implementation);
        RegisterComponents();
    }

    /// <summary>Gets the shape of the model.</summary>
    public EsmConfig Config { get; }

    /// <summary>Gets the layer stack.</summary>
    public EsmEncoder Encoder => esm.Encoder;

    /// <summary>Runs the encoder.</summary>
    /// <param name="inputIds">Token ids [B, S] (int64), right-padded with the pad id.</param>
    /// <param name="attentionMask">1 for real tokens, 0 for padding [B, S] (int64).</param>
    /// <returns>The last hidden state [B, S, H] (float32), after the final LayerNorm.</returns>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask) => esm.forward(inputIds, attentionMask);

    /// <summary>Gets the masked-LM head, or <see langword="null"/> when it was not built.</summary>
    public EsmLmHead? LanguageModelHead => lm_head;

    /// <summary>Builds the masked-LM head (zero bias, the other weights drawn as
    /// <see cref="InitializeWeights"/> draws them) unless it exists.</summary>
    /// <param name="seed">The seed of the head's weights.</param>
    /// <returns>The head.</returns>
    public EsmLmHead AddLanguageModelHead(long seed)
    {
        if (lm_head is not null)
        {
            return lm_head;
        }

        var head = new EsmLmHead(Config);
        using (var generator = new Generator((ulong)seed))
        {
            InitializeModule(head, generator);
        }

        lm_head = head;
        register_module("lm_head", head);
        return head;
    }

    /// <summary>
    /// Fills every parameter as the Hugging Face ESM initialiser does (normal(0, 0.02) for linear and embedding
    /// weights with the padding rows zeroed, zero biases, unit LayerNorm weights), from a seeded generator, so that
    /// a preset without a checkpoint is a reproducible random model.
    /// </summary>
    /// <param name="seed">The seed.</param>
    public void InitializeWeights(long seed)
    {
        using var generator = new Generator((ulong)seed);
        InitializeModule(this, generator);
    }

    private void InitializeModule(nn.Module root, Generator generator)
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, module) in root.named_modules())
        {
            switch (module)
            {
                case Linear linear:
                    linear.weight!.normal_(0.0, 0.02, generator);
                    if (linear.bias is not null)
                    {
                        nn.init.zeros_(linear.bias);
                    }

                    break;
                case Embedding embedding:
                    embedding.weight!.normal_(0.0, 0.02, generator);
                    embedding.weight![Config.PadTokenId].zero_();
                    break;
                case LayerNorm norm:
                    nn.init.ones_(norm.weight!);
                    nn.init.zeros_(norm.bias!);
                    break;
            }
        }
    }

    /// <summary>
    /// Runs the projections (every linear layer) in <paramref name="dtype"/> while LayerNorms, softmax inputs of the
    /// eager path, residuals and outputs stay float32 — what autocast does for these layers.
    /// </summary>
    /// <param name="dtype">Float32, BFloat16 or Float16.</param>
    public void UseProjectionPrecision(ScalarType dtype)
    {
        foreach (var (_, module) in named_modules())
        {
            if (module is Linear linear)
            {
                linear.to(dtype);
            }

            if (module is IModuleSlots slots)
            {
                slots.SetProjectionType(dtype);
            }
        }
    }
}
