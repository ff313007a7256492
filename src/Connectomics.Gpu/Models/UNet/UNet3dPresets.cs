namespace Connectomics.Gpu.Models.UNet;

/// <summary>Named U-Net shapes.</summary>
public static class UNet3dPresets
{
    /// <summary>
    /// Gets <c>tiny</c>: 4 feature maps, ×2 per level, two (2, 2, 2) downsamplings, 3×3×3 kernels (widths 4, 8, 16;
    /// about 25 k weights). Input sizes 44 + 4k give outputs 4 + 4k: context 20 per side, stride 4. Fast enough on a
    /// CPU for tests and demos.
    /// </summary>
    public static UNet3dConfig Tiny { get; } = new()
    {
        NumFmaps = 4,
        FmapIncFactor = 2,
        DownsampleFactors = [VoxelExtent.Cube(2), VoxelExtent.Cube(2)],
    };

    /// <summary>
    /// Gets <c>small</c>: 12 feature maps, ×5 per level, two (2, 2, 2) downsamplings, 3×3×3 kernels (widths 12, 60,
    /// 300; about 4.5 M weights), the width schedule of the LSD networks. A third ×5 level would put 1,500 maps and about
    /// 70 M weights at the bottom, too heavy for CPU inference. Input sizes 44 + 4k give outputs 4 + 4k.
    /// </summary>
    public static UNet3dConfig Small { get; } = new()
    {
        NumFmaps = 12,
        FmapIncFactor = 5,
        DownsampleFactors = [VoxelExtent.Cube(2), VoxelExtent.Cube(2)],
    };

    /// <summary>Gets the presets by name (case ignored).</summary>
    public static IReadOnlyDictionary<string, UNet3dConfig> All { get; } = new Dictionary<string, UNet3dConfig>(StringComparer.OrdinalIgnoreCase)
    {
        ["tiny"] = Tiny,
        ["small"] = Small,
    };

    /// <summary>Finds a preset by name.</summary>
    /// <param name="name">The name (see <see cref="All"/>).</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="ModelConfigurationException">No preset has that name.</exception>
    public static UNet3dConfig Get(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return All.TryGetValue(name.Trim(), out var config)
            ? config
            : throw new ModelConfigurationException($"'{name}' is not a U-Net preset; known presets: {string.Join(", ", All.Keys)}.");
    }
}
