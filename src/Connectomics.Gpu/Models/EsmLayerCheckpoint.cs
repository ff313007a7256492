using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.autograd;

namespace Connectomics.Gpu.Models;

/// <summary>
/// Gradient checkpointing of one encoder layer: the forward pass runs without recording a graph and keeps only the
/// layer's input (plus the attention mask and the random-number state); the backward pass runs the layer again with
/// gradients, back-propagates the incoming gradient through it (the layer's parameters accumulate their gradients as
/// they would without checkpointing) and returns the input's gradient.
/// </summary>
/// <remarks>
/// <para>
/// The CPU generator's state is captured before the forward pass and restored for the recomputation (then put back),
/// so dropout inside the layer, for example in an adapter that replaced a projection, draws the same masks twice and
/// the random stream after the backward pass is the one it would be without checkpointing. TorchSharp cannot read or
/// set the CUDA generator's state; on CUDA the layer's CUDA generator is instead reseeded, before the forward pass and
/// again before the recomputation, with a seed drawn from the CPU generator: the masks match between the two passes
/// (and runs are reproducible from the CPU state), but they differ from those of a run without checkpointing.
/// </para>
/// <para>
/// The parameters that require gradients are passed as inputs of the function so that the backward pass reaches the
/// layer even when its input needs no gradient (a frozen embedding under adapters); their gradients are accumulated by
/// the recomputation, and the function returns none for them.
/// </para>
/// </remarks>
internal sealed class EsmLayerCheckpoint : SingleTensorFunction<EsmLayerCheckpoint>
{
    private const int FixedArguments = 3;
    private const string LayerKey = "layer";
    private const string InputRequiresGradKey = "input_requires_grad";
    private const string CudaSeedKey = "cuda_seed";

    /// <inheritdoc />
    public override string Name => nameof(EsmLayerCheckpoint);

    /// <summary>Runs <paramref name="layer"/> on <paramref name="hidden"/> with checkpointing.</summary>
    /// <param name="layer">The layer.</param>
    /// <param name="hidden">The layer's input [B, S, H].</param>
    /// <param name="mask">The batch's attention mask.</param>
    /// <returns>The layer's output, attached to the autograd graph through this function.</returns>
    public static Tensor Run(EsmLayer layer, Tensor hidden, AttentionMask mask)
    {
        var arguments = new List<object> { hidden, layer, mask };
        arguments.AddRange(layer.parameters().Where(p => p.requires_grad));
        return apply([.. arguments]);
    }

    /// <inheritdoc />
    public override Tensor forward(AutogradContext ctx, params object[] vars)
    {
        var hidden = (Tensor)vars[0];
        var layer = (EsmLayer)vars[1];
        var mask = (AttentionMask)vars[2];
        long? cudaSeed = null;
        if (hidden.device.type == DeviceType.CUDA)
        {
            using var draw = torch.randint(long.MaxValue, [1], ScalarType.Int64);
            cudaSeed = draw.item<long>();
            torch.cuda.manual_seed(cudaSeed.Value);
        }

        var randomState = torch.random.get_rng_state();
        ctx.save_for_backward([hidden, mask.Boolean, mask.Additive, randomState]);
        ctx.save_data(LayerKey, layer);
        ctx.save_data(InputRequiresGradKey, hidden.requires_grad);
        ctx.save_data(CudaSeedKey, cudaSeed);
        return layer.forward(hidden, mask);
    }

    /// <inheritdoc />
    public override List<Tensor> backward(AutogradContext ctx, Tensor grad_output)
    {
        var layer = (EsmLayer)ctx.get_data(LayerKey);
        var inputRequiresGrad = (bool)ctx.get_data(InputRequiresGradKey);
        var cudaSeed = (long?)ctx.get_data(CudaSeedKey);
        var parameterCount = layer.parameters().Count(p => p.requires_grad);

        using var scope = torch.NewDisposeScope();
        var saved = ctx.get_saved_variables();
        var (hidden, mask, randomState) = (saved[0], new AttentionMask(saved[1], saved[2]), saved[3]);
        var resumeState = torch.random.get_rng_state();
        Tensor? inputGrad = null;
        try
        {
            torch.random.set_rng_state(randomState);
            if (cudaSeed is { } seed)
            {
                torch.cuda.manual_seed(seed);
            }

            using (torch.enable_grad())
            {
                var input = hidden.detach().requires_grad_(inputRequiresGrad);
                var output = layer.forward(input, mask);
                torch.autograd.backward([output], [grad_output]);
                if (inputRequiresGrad)
                {
                    inputGrad = scope.MoveToOuter(input.grad!);
                }
            }
        }
        finally
        {
            torch.random.set_rng_state(resumeState);
        }

        var grads = new List<Tensor>(FixedArguments + parameterCount) { inputGrad!, null!, null! };
        grads.AddRange(Enumerable.Repeat<Tensor>(null!, parameterCount));
        return grads;
    }
}
