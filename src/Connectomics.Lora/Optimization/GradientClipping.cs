using Connectomics.TorchScalars;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Lora.Optimization;

/// <summary>Rescales gradients so that their global L2 norm does not exceed a bound, as PyTorch's
/// <c>torch.nn.utils.clip_grad_norm_</c> does.</summary>
public static class GradientClipping
{
    private const double NormEpsilon = 1e-6;

    /// <summary>
    /// Computes the L2 norm of all gradients taken together (the norm of the per-parameter norms) and, when it
    /// exceeds <paramref name="maxNorm"/>, multiplies every gradient in place by
    /// <paramref name="maxNorm"/> / (norm + 1e-6). Parameters without a gradient are ignored.
    /// </summary>
    /// <param name="parameters">The parameters whose gradients to clip.</param>
    /// <param name="maxNorm">The bound (&gt; 0).</param>
    /// <returns>The norm before clipping (0 when no parameter has a gradient); log it to watch training. A
    /// non-finite norm is returned as it is, and then, as in PyTorch, the gradients are scaled by a NaN factor.</returns>
    /// <remarks>The computation follows PyTorch's float operations (norms in the gradients' dtype, a reciprocal
    /// times the bound, clamped to 1, multiplied into every gradient even when it is 1), so clipped gradients agree
    /// with PyTorch's to float rounding.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not a finite number &gt; 0.</exception>
    public static double ClipGlobalNorm(IEnumerable<Parameter> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!double.IsFinite(maxNorm) || maxNorm <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "The bound must be a finite number > 0.");
        }

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var grads = new List<Tensor>();
        foreach (var parameter in parameters)
        {
            ArgumentNullException.ThrowIfNull(parameter, nameof(parameters));
            var grad = parameter.grad;
            if (grad is not null)
            {
                grads.Add(grad);
            }
        }

        if (grads.Count == 0)
        {
            return 0;
        }

        // Tensor.norm(2) is libtorch's linalg_vector_norm over all elements; TorchSharp's linalg.vector_norm would turn
        // the order into a Scalar that nothing keeps alive during the call.
        var device = grads[0].device;
        var norms = grads.Select(g => g.detach().norm(2f).to(device)).ToArray();
        var total = torch.stack(norms).norm(2f);
        using var epsilon = NormEpsilon.ToScalar();
        using var bound = maxNorm.ToScalar();
        var coefficient = total.add(epsilon, ScalarConstants.One).reciprocal_().mul_(bound).clamp_max_(ScalarConstants.OneDouble);
        foreach (var grad in grads)
        {
            grad.mul_(coefficient.to(grad.device));
        }

        return total.to(ScalarType.Float64).item<double>();
    }
}
