using Connectomics.Devices;
using Connectomics.Gpu.Models.UNet;
using Connectomics.Stores;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Connectomics.Gpu.Volumes;

/// <summary>
/// How a volume pipeline embeds blocks with a 3-D U-Net: the pipeline's settings (normalisation; a row per block, cell
/// or point), which this passes on to <see cref="VolumeEmbedSettings"/>, and the U-Net's own (pooling, tile size,
/// device and precision). Set fluently in
/// <see cref="Connectomics.Pipelines.UNetVolumePipelineBuilderExtensions.Embed(VolumePipelineBuilder, UNet3dModel, Action{UNetVolumeEmbedSettings})"/>.
/// </summary>
public sealed class UNetVolumeEmbedSettings
{
    internal UNetVolumeEmbedSettings(VolumeEmbedSettings pipeline) => Pipeline = pipeline;

    /// <summary>Gets the pipeline's embed settings that <see cref="Normalize"/>, <see cref="PerBlock"/>,
    /// <see cref="PerCell(long)"/> and <see cref="PerPoints"/> set.</summary>
    public VolumeEmbedSettings Pipeline { get; }

    /// <summary>Gets how a row's voxel features are pooled.</summary>
    /// <value>The default value is <see cref="VoxelPooling.Mean"/>.</value>
    public VoxelPooling Pooling { get; private set; } = VoxelPooling.Mean;

    /// <summary>Gets the tile size the write boxes are cut into on the device.</summary>
    /// <value>The default value is <see cref="UNet3dTiling.Default"/>.</value>
    public UNet3dTiling Tiling { get; private set; } = UNet3dTiling.Default;

    /// <summary>Gets the device the model is moved to, or <see langword="null"/> to leave it where it is.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public DeviceSelection? Device { get; private set; }

    /// <summary>Gets whether the model computes in bfloat16 when it runs on CUDA (a CPU computes in float32, with a
    /// warning).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool BFloat16 { get; private set; }

    /// <summary>Gets the logger factory the device placement warns through.</summary>
    /// <value>The default value is <see cref="NullLoggerFactory.Instance"/>.</value>
    public ILoggerFactory LoggerFactory { get; private set; } = NullLoggerFactory.Instance;

    /// <summary>Normalises voxels as <c>value × scale + shift</c> (see <see cref="VolumeEmbedSettings.Normalize"/>).</summary>
    /// <param name="scale">The scale, finite and non-zero.</param>
    /// <param name="shift">The shift, finite.</param>
    /// <returns>These settings.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The scale or shift is not finite, or the scale is zero.</exception>
    public UNetVolumeEmbedSettings Normalize(float scale, float shift)
    {
        Pipeline.Normalize(scale, shift);
        return this;
    }

    /// <summary>Makes one row per block (the default).</summary>
    /// <returns>These settings.</returns>
    public UNetVolumeEmbedSettings PerBlock()
    {
        Pipeline.PerBlock();
        return this;
    }

    /// <summary>Makes one row per cube of <paramref name="size"/> voxels cut from each block's write box.</summary>
    /// <param name="size">The cell's extent on every axis.</param>
    /// <returns>These settings.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The extent is below 1.</exception>
    public UNetVolumeEmbedSettings PerCell(long size)
    {
        Pipeline.PerCell(size);
        return this;
    }

    /// <summary>Makes one row per cell of <paramref name="size"/> cut from each block's write box.</summary>
    /// <param name="size">The cell's extent, at least 1 on every axis.</param>
    /// <returns>These settings.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An extent is below 1.</exception>
    public UNetVolumeEmbedSettings PerCell(Index3 size)
    {
        Pipeline.PerCell(size);
        return this;
    }

    /// <summary>Makes one row per point (see <see cref="VolumeEmbedSettings.PerPoints"/>); a point row takes the
    /// features of its voxel.</summary>
    /// <param name="points">The points.</param>
    /// <param name="columns">The points' extra columns; none when null.</param>
    /// <returns>These settings.</returns>
    public UNetVolumeEmbedSettings PerPoints(IEnumerable<VolumePoint> points, IReadOnlyList<RecordColumn>? columns = null)
    {
        Pipeline.PerPoints(points, columns);
        return this;
    }

    /// <summary>Pools a row's voxel features by their element-wise maximum instead of their mean.</summary>
    /// <returns>These settings.</returns>
    public UNetVolumeEmbedSettings MaxPooling()
    {
        Pooling = VoxelPooling.Max;
        return this;
    }

    /// <summary>Sets the output voxels each tile computes on every axis (see <see cref="UNetBlockEmbedderOptions.Tiling"/>).</summary>
    /// <param name="size">The tile's output extent, at least 1.</param>
    /// <returns>These settings.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The extent is below 1.</exception>
    public UNetVolumeEmbedSettings Tiles(int size) => Tiles(VoxelExtent.Cube(size));

    /// <summary>Sets the output voxels each tile computes per axis (see <see cref="UNetBlockEmbedderOptions.Tiling"/>).</summary>
    /// <param name="size">The tile's output extent, at least 1 on every axis.</param>
    /// <returns>These settings.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An extent is below 1.</exception>
    public UNetVolumeEmbedSettings Tiles(VoxelExtent size)
    {
        if (size.Z < 1 || size.Y < 1 || size.X < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "A tile is at least one voxel on every axis.");
        }

        Tiling = new UNet3dTiling { OutputTileSize = size };
        return this;
    }

    /// <summary>Moves the model to a device when it is not there already (one device: the U-Net does not run
    /// data-parallel).</summary>
    /// <param name="device">The device; <see cref="DeviceSelection.Auto"/> takes the first CUDA device when there is
    /// one, else the CPU.</param>
    /// <returns>These settings.</returns>
    public UNetVolumeEmbedSettings OnDevice(DeviceSelection device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
        return this;
    }

    /// <summary>Moves the model to a device given as text (<c>auto</c>, <c>cpu</c>, <c>cuda</c>, <c>cuda:1</c>).</summary>
    /// <param name="device">The device.</param>
    /// <returns>These settings.</returns>
    /// <exception cref="FormatException">The text names no device.</exception>
    public UNetVolumeEmbedSettings OnDevice(string device) => OnDevice(DeviceSelection.Parse(device));

    /// <summary>Computes in bfloat16 when the model runs on CUDA; on a CPU the model stays float32 and a warning is
    /// logged.</summary>
    /// <returns>These settings.</returns>
    public UNetVolumeEmbedSettings BFloat16OnCuda()
    {
        BFloat16 = true;
        return this;
    }

    /// <summary>Sets the logger factory the device placement warns through.</summary>
    /// <param name="loggerFactory">The logger factory.</param>
    /// <returns>These settings.</returns>
    public UNetVolumeEmbedSettings UseLoggerFactory(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        LoggerFactory = loggerFactory;
        return this;
    }
}
