namespace Connectomics.Gpu.Runtime;

/// <summary>Where the value of a <see cref="TorchRuntimeSetting"/> came from.</summary>
public enum TorchRuntimeSettingSource
{
    /// <summary>The default of <see cref="TorchRuntimeOptions"/>.</summary>
    Default,

    /// <summary>A value the application set in <see cref="TorchRuntimeOptions"/> (it differs from the default).</summary>
    Configured,

    /// <summary>The process environment: a variable that was already set (for example
    /// <c>THP_MEM_ALLOC_ENABLE</c>, or <c>CONNECTOMICS_NATIVE_CACHE</c> for the cache folder).</summary>
    Environment,
}
