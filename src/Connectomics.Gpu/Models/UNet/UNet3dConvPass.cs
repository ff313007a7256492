using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models.UNet;

/// <summary>
/// <c>l_conv.{level}</c> / <c>r_conv.0.{level}</c>: valid 3-D convolutions, each followed by a ReLU, held in
/// <c>conv_pass</c> as funlib's <c>Sequential</c> holds them (weights at <c>conv_pass.0</c>, <c>conv_pass.2</c>, ...).
/// </summary>
internal sealed class UNet3dConvPass : nn.Module<Tensor, Tensor>
{
    private readonly Sequential conv_pass;
    private readonly Conv3d[] _convolutions;

    public UNet3dConvPass(int inChannels, int outChannels, IReadOnlyList<VoxelExtent> kernelSizes)
        : base("conv_pass")
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        _convolutions = new Conv3d[kernelSizes.Count];
        var channels = inChannels;
        for (var i = 0; i < kernelSizes.Count; i++)
        {
            var k = kernelSizes[i];
            _convolutions[i] = nn.Conv3d(channels, outChannels, (k.Z, k.Y, k.X));
            layers.Add(((2 * i).ToString(System.Globalization.CultureInfo.InvariantCulture), _convolutions[i]));
            layers.Add((((2 * i) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), nn.ReLU()));
            channels = outChannels;
        }

        conv_pass = nn.Sequential(layers);
        RegisterComponents();
    }

    /// <summary>Gets the convolutions in order.</summary>
    internal IReadOnlyList<Conv3d> Convolutions => _convolutions;

    /// <inheritdoc />
    /// <remarks>Each intermediate map is released as soon as the next one exists; the ReLU runs in place (the
    /// convolution's gradient does not need its output).</remarks>
    public override Tensor forward(Tensor input)
    {
        var x = input;
        foreach (var convolution in _convolutions)
        {
            var y = convolution.forward(x);
            y.relu_();
            if (!ReferenceEquals(x, input))
            {
                x.Dispose();
            }

            x = y;
        }

        return x;
    }
}
