using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Connectomics.Gpu.Models.UNet;

/// <summary>
/// <c>r_up.0.{level}</c>: upsamples the map from the level below by the level's factor (a transposed convolution
/// <c>up</c> with kernel = stride = factor, or repeating voxels when constant), centre-crops it so that its size after
/// the following convolutions is a multiple of the remaining downsampling factor, centre-crops the left features to the
/// same size and concatenates them (left first) on the channel axis.
/// </summary>
internal sealed class UNet3dUpsample : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ConvTranspose3d? up;
    private readonly VoxelExtent _factor;
    private readonly int _level;
    private readonly UNet3dGeometry _geometry;

    public UNet3dUpsample(int channels, VoxelExtent factor, bool constant, int level, UNet3dGeometry geometry)
        : base("up")
    {
        _factor = factor;
        _level = level;
        _geometry = geometry;
        if (!constant)
        {
            up = nn.ConvTranspose3d(channels, channels, (factor.Z, factor.Y, factor.X), stride: (factor.Z, factor.Y, factor.X));
        }

        RegisterComponents();
    }

    /// <summary>Gets the transposed convolution, or <see langword="null"/> for constant upsampling.</summary>
    internal ConvTranspose3d? Transposed => up;

    /// <inheritdoc />
    public override Tensor forward(Tensor left, Tensor below)
    {
        using var upsampled = up is not null ? up.forward(below) : Repeat(below);
        Span<long> target = stackalloc long[3];
        for (var axis = 0; axis < 3; axis++)
        {
            var size = upsampled.shape[2 + axis];
            target[axis] = _geometry.CropTarget(axis, _level, size);
            if (target[axis] < 0)
            {
                throw new ArgumentException(
                    $"The upsampled feature map {FormatShape(upsampled.shape)} at level {_level} is too small to crop to the downsampling factor along {VoxelExtent.AxisName(axis)}.");
            }
        }

        using var croppedUp = CentreCrop(upsampled, target);
        using var croppedLeft = CentreCrop(left, target);
        return torch.cat([croppedLeft, croppedUp], 1);
    }

    private Tensor Repeat(Tensor below)
    {
        var x = below;
        for (var axis = 0; axis < 3; axis++)
        {
            if (_factor[axis] == 1)
            {
                continue;
            }

            var y = x.repeat_interleave(_factor[axis], dim: 2 + axis);
            if (!ReferenceEquals(x, below))
            {
                x.Dispose();
            }

            x = y;
        }

        return ReferenceEquals(x, below) ? below.alias() : x;
    }

    /// <summary>Keeps <paramref name="size"/> voxels per spatial axis, starting at ⌊(have − want) / 2⌋.</summary>
    private static Tensor CentreCrop(Tensor x, ReadOnlySpan<long> size)
    {
        var result = x.alias();
        for (var axis = 0; axis < 3; axis++)
        {
            var have = x.shape[2 + axis];
            if (have == size[axis])
            {
                continue;
            }

            var narrowed = result.narrow(2 + axis, (have - size[axis]) / 2, size[axis]);
            result.Dispose();
            result = narrowed;
        }

        return result;
    }

    private static string FormatShape(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
