using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models.UNet;

/// <summary>
/// The module tree of funlib's <c>UNet</c> with one head (<c>l_conv</c>, <c>r_up.0</c>, <c>r_conv.0</c>; the max-pooling
/// layers have no weights) plus the optional <c>projection</c>, so that <c>state_dict()</c> names are funlib's.
/// </summary>
internal sealed class UNet3dNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<UNet3dConvPass> l_conv;
    private readonly ModuleList<ModuleList<UNet3dUpsample>> r_up;
    private readonly ModuleList<ModuleList<UNet3dConvPass>> r_conv;
    private readonly Conv3d? projection;
    private readonly UNet3dConfig _config;

    public UNet3dNetwork(UNet3dConfig config, UNet3dGeometry geometry)
        : base("unet")
    {
        _config = config;
        var levels = config.Levels;
        var down = config.ResolvedKernelSizeDown;
        var upKernels = config.ResolvedKernelSizeUp;
        l_conv = new ModuleList<UNet3dConvPass>();
        for (var level = 0; level < levels; level++)
        {
            l_conv.Add(new UNet3dConvPass(level == 0 ? config.InChannels : config.Width(level - 1), config.Width(level), down[level]));
        }

        var ups = new ModuleList<UNet3dUpsample>();
        var convs = new ModuleList<UNet3dConvPass>();
        for (var level = 0; level < levels - 1; level++)
        {
            ups.Add(new UNet3dUpsample(config.Width(level + 1), config.DownsampleFactors[level], config.ConstantUpsample, level, geometry));
            var width = level == 0 ? config.UNetOutputChannels : config.Width(level);
            convs.Add(new UNet3dConvPass(config.Width(level) + config.Width(level + 1), width, upKernels[level]));
        }

        r_up = new ModuleList<ModuleList<UNet3dUpsample>>(ups);
        r_conv = new ModuleList<ModuleList<UNet3dConvPass>>(convs);
        if (config.OutputChannels is int dims)
        {
            projection = nn.Conv3d(config.UNetOutputChannels, dims, 1);
        }

        RegisterComponents();
    }

    /// <summary>Draws every weight and bias from U(−1/√fan_in, 1/√fan_in) (PyTorch's default for convolutions, with
    /// fan_in taken as PyTorch takes it: size(1) × kernel volume), reproducibly from <paramref name="seed"/>.</summary>
    public void InitializeWeights(long seed)
    {
        using var generator = new Generator(unchecked((ulong)seed));
        using var noGrad = torch.no_grad();
        foreach (var (_, module) in named_modules())
        {
            switch (module)
            {
                case Conv3d conv:
                    Fill(conv.weight!, conv.bias, generator);
                    break;
                case ConvTranspose3d transposed:
                    Fill(transposed.weight!, transposed.bias, generator);
                    break;
            }
        }
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var features = Level(0, input);
        if (projection is null)
        {
            return features;
        }

        using (features)
        {
            return projection.forward(features);
        }
    }

    private Tensor Level(int level, Tensor input)
    {
        var left = l_conv[level].forward(input);
        if (level == _config.Levels - 1)
        {
            return left;
        }

        using (left)
        {
            var f = _config.DownsampleFactors[level];
            Tensor below;
            using (var pooled = nn.functional.max_pool3d(left, [f.Z, f.Y, f.X], [f.Z, f.Y, f.X]))
            {
                below = Level(level + 1, pooled);
            }

            using (below)
            using (var joined = r_up[0][level].forward(left, below))
            {
                return r_conv[0][level].forward(joined);
            }
        }
    }

    private static void Fill(Tensor weight, Tensor? bias, Generator generator)
    {
        long receptive = 1;
        for (var d = 2; d < weight.dim(); d++)
        {
            receptive *= weight.shape[d];
        }

        var bound = 1.0 / Math.Sqrt(weight.shape[1] * receptive);
        weight.uniform_(-bound, bound, generator);
        bias?.uniform_(-bound, bound, generator);
    }
}
