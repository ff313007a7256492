using Connectomics.Devices;
using Connectomics.Gpu.Inference;
using Connectomics.Gpu.Models;
using Connectomics.Gpu.Models.UNet;
using Connectomics.Gpu.Volumes;
using Connectomics.Volumes.Pipelines;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace Connectomics.Pipelines;

/// <summary>Embeds the blocks of a volume pipeline with a 3-D U-Net.</summary>
public static class UNetVolumePipelineBuilderExtensions
{
    /// <summary>
    /// Embeds the blocks with a U-Net through a <see cref="UNetBlockEmbedder"/>: per-voxel features of each write box,
    /// computed tile by tile, pooled into one vector per row.
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="unet">The model; the caller keeps ownership. With <see cref="UNetVolumeEmbedSettings.OnDevice(DeviceSelection)"/>
    /// it is moved (now) to that device unless it is there already.</param>
    /// <param name="configure">Sets the normalisation, the rows, the pooling, the tiles and the device.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ModelConfigurationException">The device does not exist, or names several devices.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">A U-Net setting is invalid.</exception>
    public static VolumePipelineBuilder Embed(this VolumePipelineBuilder builder, UNet3dModel unet, Action<UNetVolumeEmbedSettings>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(unet);
        var settings = new UNetVolumeEmbedSettings(new VolumeEmbedSettings());
        configure?.Invoke(settings);
        if (settings.Device is { } device)
        {
            Place(unet, device, settings);
        }

        var embedder = new UNetBlockEmbedder(unet, new UNetBlockEmbedderOptions { Pooling = settings.Pooling, Tiling = settings.Tiling });
        return builder.Embed(embedder, settings.Pipeline);
    }

    private static void Place(UNet3dModel unet, DeviceSelection selection, UNetVolumeEmbedSettings settings)
    {
        var devices = ReplicaDevicePlanner.Resolve(selection);
        if (devices.Count != 1)
        {
            throw new ModelConfigurationException($"The U-Net runs on one device; '{selection}' names {devices.Count}.");
        }

        var target = devices[0].Kind == DeviceKind.Cuda ? new torch.Device(DeviceType.CUDA, devices[0].Index) : torch.CPU;
        var onCuda = target.type == DeviceType.CUDA;
        if (settings.BFloat16 && !onCuda)
        {
            UNetVolumeLog.BFloat16Ignored(settings.LoggerFactory.CreateLogger<UNetBlockEmbedder>(), unet.Name, target.ToString());
        }

        var precision = settings.BFloat16 && onCuda ? ComputePrecision.BFloat16 : ComputePrecision.Float32;
        var current = unet.Device;
        if (current.type != target.type || (onCuda && current.index != target.index) || unet.Precision != precision)
        {
            unet.MoveTo(target, precision);
        }
    }
}
