namespace Connectomics.Devices;

/// <summary>How a <see cref="DeviceSelection"/> chooses its devices.</summary>
public enum DeviceSelectionMode
{
    /// <summary>The first CUDA device when one is present, else the CPU.</summary>
    Auto,

    /// <summary>Every CUDA device present.</summary>
    AllCuda,

    /// <summary>The devices listed in <see cref="DeviceSelection.Devices"/>.</summary>
    Explicit,
}
