using Connectomics.TorchScalars;
using TorchSharp;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models;

/// <summary>The exact (erf) GELU as ESM writes it: <c>x * 0.5 * (1 + erf(x / sqrt(2)))</c>, in this order.</summary>
internal static class ExactGelu
{
    private static readonly Scalar Half = 0.5.ToScalar();
    private static readonly Scalar SquareRootOfTwo = Math.Sqrt(2.0).ToScalar();

    /// <summary>Applies the activation.</summary>
    /// <param name="x">The input.</param>
    /// <returns>A new tensor of the input's shape and dtype.</returns>
    public static Tensor Apply(Tensor x)
        => x.mul(Half).mul(torch.special.erf(x.div(SquareRootOfTwo)).add(ScalarConstants.OneDouble, ScalarConstants.One));
}
