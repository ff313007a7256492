namespace Connectomics.Gpu.Models.UNet;

/// <summary>
/// Which input sizes a U-Net accepts and what it outputs for them, exactly as funlib's forward pass computes the sizes;
/// no weights are needed, so block planners can check sizes before a model is loaded.
/// </summary>
/// <remarks>
/// Along each axis the accepted input sizes are <see cref="MinimumInputSize"/> + k·<see cref="OutputStride"/>
/// (k ≥ 0) and give <see cref="MinimumOutputSize"/> + k·<see cref="OutputStride"/> output voxels; the difference,
/// <see cref="Context"/> before and <see cref="ContextAfter"/> after, is the same for every accepted size. Output voxel
/// <c>j</c> belongs to input voxel <c>j + Context</c>. Tiles whose inputs start at multiples of the stride give, side
/// by side, exactly the output of one pass over the whole input (the crop to the downsampling factor makes the network
/// translation-equivariant for such shifts).
/// </remarks>
public sealed class UNet3dGeometry
{
    private readonly UNet3dAxisPlan[] _axes;

    private UNet3dGeometry(UNet3dAxisPlan[] axes)
    {
        _axes = axes;
        OutputStride = Extent(p => p.Stride);
        MinimumInputSize = Extent(p => p.MinimumInput);
        MinimumOutputSize = Extent(p => p.MinimumOutput);
        Context = Extent(p => p.TotalContext / 2);
        ContextAfter = Extent(p => p.TotalContext - (p.TotalContext / 2));
    }

    /// <summary>Gets the product of the downsampling factors per axis: the step between accepted sizes and the factor
    /// every output size is a multiple of.</summary>
    public VoxelExtent OutputStride { get; }

    /// <summary>Gets the voxels an input loses before its first output voxel (per axis).</summary>
    public VoxelExtent Context { get; }

    /// <summary>Gets the voxels an input loses after its last output voxel (per axis); equal to <see cref="Context"/>
    /// unless the convolutions and crops remove an odd number of voxels.</summary>
    public VoxelExtent ContextAfter { get; }

    /// <summary>Gets the smallest input the network accepts.</summary>
    public VoxelExtent MinimumInputSize { get; }

    /// <summary>Gets the output size of <see cref="MinimumInputSize"/>.</summary>
    public VoxelExtent MinimumOutputSize { get; }

    /// <summary>Computes the geometry of a configuration.</summary>
    /// <param name="config">The configuration.</param>
    /// <returns>The geometry.</returns>
    /// <exception cref="ArgumentException">The configuration is invalid.</exception>
    public static UNet3dGeometry Of(UNet3dConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return TryCreate(config, out var reason) ?? throw new ArgumentException(reason);
    }

    /// <summary>Builds the geometry of a configuration whose fields are in range, or says why no size works.</summary>
    internal static UNet3dGeometry? TryCreate(UNet3dConfig config, out string? reason)
    {
        var axes = new UNet3dAxisPlan[3];
        for (var axis = 0; axis < 3; axis++)
        {
            var plan = UNet3dAxisPlan.TryCreate(config, axis, out reason);
            if (plan is null)
            {
                return null;
            }

            axes[axis] = plan;
        }

        reason = null;
        return new UNet3dGeometry(axes);
    }

    /// <summary>Gets whether the network accepts an input of this size.</summary>
    /// <param name="inputSize">The input size.</param>
    /// <returns><see langword="true"/> when every axis holds an accepted size.</returns>
    public bool IsValidInputSize(VoxelExtent inputSize) =>
        _axes[0].IsValid(inputSize.Z) && _axes[1].IsValid(inputSize.Y) && _axes[2].IsValid(inputSize.X);

    /// <summary>Gets the output size of an input size.</summary>
    /// <param name="inputSize">An accepted input size.</param>
    /// <returns>The output size.</returns>
    /// <exception cref="ArgumentException">The size is not accepted; the message gives the size and the nearest accepted
    /// ones.</exception>
    public VoxelExtent GetOutputSize(VoxelExtent inputSize)
    {
        EnsureValidInputSize(inputSize, nameof(inputSize));
        return new VoxelExtent((int)_axes[0].OutputSize(inputSize.Z), (int)_axes[1].OutputSize(inputSize.Y), (int)_axes[2].OutputSize(inputSize.X));
    }

    /// <summary>Gets the smallest accepted input size that is at least <paramref name="size"/> along every axis.</summary>
    /// <param name="size">The size wanted.</param>
    /// <returns>The accepted size.</returns>
    public VoxelExtent GetValidInputSizeAtLeast(VoxelExtent size) =>
        ExtentOf(axis => _axes[axis].ValidAtLeast(size[axis]));

    /// <summary>Gets the input size whose output is exactly <paramref name="outputSize"/>.</summary>
    /// <param name="outputSize">A multiple of <see cref="OutputStride"/>, at least <see cref="MinimumOutputSize"/>.</param>
    /// <returns>The input size (<paramref name="outputSize"/> + <see cref="Context"/> + <see cref="ContextAfter"/>).</returns>
    /// <exception cref="ArgumentException">No input gives that output; the message names the axis and the numbers.</exception>
    public VoxelExtent GetInputSize(VoxelExtent outputSize)
    {
        for (var axis = 0; axis < 3; axis++)
        {
            var plan = _axes[axis];
            var o = outputSize[axis];
            if (o < plan.MinimumOutput || (o - plan.MinimumOutput) % plan.Stride != 0)
            {
                throw new ArgumentException(
                    $"output size {o} along {VoxelExtent.AxisName(axis)} cannot be produced by this U-Net: outputs are {plan.MinimumOutput} + {plan.Stride}·k (k ≥ 0).",
                    nameof(outputSize));
            }
        }

        return ExtentOf(axis => outputSize[axis] + _axes[axis].TotalContext);
    }

    /// <summary>Throws unless the network accepts an input of this size.</summary>
    /// <param name="inputSize">The input size.</param>
    /// <param name="parameterName">The parameter named in the exception.</param>
    /// <exception cref="ArgumentException">The size is not accepted.</exception>
    internal void EnsureValidInputSize(VoxelExtent inputSize, string parameterName)
    {
        for (var axis = 0; axis < 3; axis++)
        {
            if (!_axes[axis].IsValid(inputSize[axis]))
            {
                throw new ArgumentException(_axes[axis].DescribeInvalid(inputSize[axis], axis), parameterName);
            }
        }
    }

    /// <summary>The size of an upsampled map after funlib's crop to the downsampling factor.</summary>
    internal long CropTarget(int axis, int level, long upsampled) => _axes[axis].CropTarget(level, upsampled);

    private VoxelExtent Extent(Func<UNet3dAxisPlan, long> select) => ExtentOf(axis => select(_axes[axis]));

    private static VoxelExtent ExtentOf(Func<int, long> select) => new(checked((int)select(0)), checked((int)select(1)), checked((int)select(2)));
}
