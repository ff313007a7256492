using System.Globalization;

namespace Connectomics.Gpu.Models.UNet;

/// <summary>
/// The size arithmetic of a funlib U-Net along one spatial axis: which input sizes the network accepts and what it
/// outputs for them, computed exactly as its forward pass changes the sizes (valid convolutions, divisibility checks of
/// the max-pooling, the crop of the upsampled maps to a multiple of the remaining downsampling factor).
/// </summary>
internal sealed class UNet3dAxisPlan
{
    /// <summary>The largest minimum input size accepted along one axis.</summary>
    internal const long MaximumMinimumInput = 1L << 20;

    private readonly int[] _factors;
    private readonly int[] _downCrop;
    private readonly int[] _upCrop;
    private readonly long[] _cropFactor;

    private UNet3dAxisPlan(int[] factors, int[] downCrop, int[] upCrop, long[] cropFactor, long stride, long minimumInput, long minimumOutput)
    {
        _factors = factors;
        _downCrop = downCrop;
        _upCrop = upCrop;
        _cropFactor = cropFactor;
        Stride = stride;
        MinimumInput = minimumInput;
        MinimumOutput = minimumOutput;
    }

    /// <summary>Gets the product of the downsampling factors: valid sizes step by it, outputs are multiples of it.</summary>
    internal long Stride { get; }

    /// <summary>Gets the smallest input size the network accepts.</summary>
    internal long MinimumInput { get; }

    /// <summary>Gets the output size of <see cref="MinimumInput"/>.</summary>
    internal long MinimumOutput { get; }

    /// <summary>Gets the voxels lost in all (input − output), the same for every valid size.</summary>
    internal long TotalContext => MinimumInput - MinimumOutput;

    /// <summary>Builds the plan of one axis, or says why no input size works.</summary>
    internal static UNet3dAxisPlan? TryCreate(UNet3dConfig config, int axis, out string? reason)
    {
        var levels = config.Levels;
        var factors = new int[levels - 1];
        var downCrop = new int[levels];
        var upCrop = new int[levels - 1];
        var cropFactor = new long[levels - 1];
        var down = config.ResolvedKernelSizeDown;
        var up = config.ResolvedKernelSizeUp;
        for (var level = 0; level < levels; level++)
        {
            foreach (var k in down[level])
            {
                downCrop[level] += k[axis] - 1;
            }

            if (level < levels - 1)
            {
                factors[level] = config.DownsampleFactors[level][axis];
                foreach (var k in up[level])
                {
                    upCrop[level] += k[axis] - 1;
                }
            }
        }

        long stride = 1;
        for (var level = levels - 2; level >= 0; level--)
        {
            stride *= factors[level];
            cropFactor[level] = stride;
        }

        // The divisibility checks fix the input size modulo the stride: s ≡ Σ (product of the factors above level i) ·
        // (crop of level i's convolutions). Sizes of that class only grow the maps, so the first that runs is the minimum.
        long residue = 0;
        long above = 1;
        for (var level = 0; level < levels - 1; level++)
        {
            residue = (residue + above * downCrop[level]) % stride;
            above *= factors[level];
        }

        var plan = new UNet3dAxisPlan(factors, downCrop, upCrop, cropFactor, stride, 0, 0);
        for (var size = residue == 0 ? stride : residue; size <= MaximumMinimumInput; size += stride)
        {
            var output = plan.OutputSize(size);
            if (output > 0)
            {
                reason = null;
                return new UNet3dAxisPlan(factors, downCrop, upCrop, cropFactor, stride, size, output);
            }
        }

        reason = string.Create(CultureInfo.InvariantCulture,
            $"no input size up to {MaximumMinimumInput} voxels along {VoxelExtent.AxisName(axis)} gives an output (the convolutions and crops remove too much for the downsampling factors).");
        return null;
    }

    /// <summary>The output size of an input size, or −1 when the forward pass would fail on it.</summary>
    internal long OutputSize(long input) => input <= 0 ? -1 : Run(0, input);

    /// <summary>The size after the centre crop of an upsampled map of <paramref name="upsampled"/> voxels at
    /// <paramref name="level"/>, or −1 when funlib refuses the map as too small.</summary>
    internal long CropTarget(int level, long upsampled)
    {
        var c = _upCrop[level];
        var f = _cropFactor[level];
        var target = (FloorDivide(upsampled - c, f) * f) + c;
        return target != upsampled && target <= c ? -1 : target;
    }

    /// <summary>Whether <paramref name="input"/> is a size the network accepts.</summary>
    internal bool IsValid(long input) => OutputSize(input) > 0;

    /// <summary>The smallest accepted size that is at least <paramref name="size"/>.</summary>
    internal long ValidAtLeast(long size) => size <= MinimumInput
        ? MinimumInput
        : MinimumInput + (((size - MinimumInput + Stride - 1) / Stride) * Stride);

    /// <summary>A message saying why <paramref name="input"/> is refused, with the nearest accepted sizes.</summary>
    internal string DescribeInvalid(long input, int axis)
    {
        var above = ValidAtLeast(input);
        var nearest = above - Stride >= MinimumInput
            ? string.Create(CultureInfo.InvariantCulture, $"the nearest are {above - Stride} and {above}")
            : string.Create(CultureInfo.InvariantCulture, $"the nearest is {above}");
        return string.Create(CultureInfo.InvariantCulture,
            $"input size {input} along {VoxelExtent.AxisName(axis)} is not valid for this U-Net: valid sizes are {MinimumInput} + {Stride}·k (k ≥ 0), giving outputs of {MinimumOutput} + {Stride}·k; {nearest}.");
    }

    private long Run(int level, long size)
    {
        size -= _downCrop[level];
        if (size <= 0)
        {
            return -1;
        }

        if (level == _downCrop.Length - 1)
        {
            return size;
        }

        var factor = _factors[level];
        if (size % factor != 0)
        {
            return -1;
        }

        var below = Run(level + 1, size / factor);
        if (below < 0)
        {
            return -1;
        }

        var target = CropTarget(level, below * factor);
        if (target < 0)
        {
            return -1;
        }

        var output = target - _upCrop[level];
        return output > 0 ? output : -1;
    }

    private static long FloorDivide(long a, long b) => (a / b) - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}
