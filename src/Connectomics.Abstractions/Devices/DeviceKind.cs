namespace Connectomics.Devices;

/// <summary>The kind of processor a model runs on.</summary>
public enum DeviceKind
{
    /// <summary>The host CPU.</summary>
    Cpu,

    /// <summary>An NVIDIA GPU reached through CUDA.</summary>
    Cuda,
}
