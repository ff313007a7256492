using System.Globalization;

namespace Connectomics.Volumes.Pipelines;

/// <summary>
/// How raw voxel values become model input: <c>value × <see cref="Scale"/> + <see cref="Shift"/></c>, applied per
/// channel in float32. A run records it (<see cref="ToSetting"/>) in the table metadata and in every commit, so a
/// resumed run with another normalisation is refused.
/// </summary>
/// <param name="Scale">The factor.</param>
/// <param name="Shift">The offset added after scaling.</param>
/// <param name="Method">Where the numbers come from: <c>explicit</c>, <c>dtype-range</c> (unsigned types: the type's
/// range onto [0, 1]) or <c>percentiles</c> (signed and float types: sampled low and high percentiles onto [0, 1]).</param>
/// <param name="Detail">How they were found (the percentiles, the voxels sampled), or empty.</param>
public sealed record VoxelNormalization(float Scale, float Shift, string Method, string Detail = "")
{
    /// <summary>Gets the text recorded for the run: scale and shift round-trip exactly (<c>R</c> format).</summary>
    /// <returns>The setting.</returns>
    public string ToSetting() => string.Create(CultureInfo.InvariantCulture,
        $"{Method}: scale={Scale:R} shift={Shift:R}{(Detail.Length > 0 ? $" ({Detail})" : string.Empty)}");

    /// <summary>Creates an explicit normalisation.</summary>
    /// <param name="scale">The factor.</param>
    /// <param name="shift">The offset added after scaling.</param>
    /// <returns>The normalisation.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A number is not finite, or the scale is zero.</exception>
    public static VoxelNormalization Explicit(float scale, float shift)
    {
        if (!float.IsFinite(scale) || scale == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be finite and non-zero.");
        }

        if (!float.IsFinite(shift))
        {
            throw new ArgumentOutOfRangeException(nameof(shift), shift, "The shift must be finite.");
        }

        return new VoxelNormalization(scale, shift, "explicit");
    }
}
