namespace Connectomics.Volumes.Errors;

/// <summary>
/// A volume uses a feature this package does not read or write (a Zarr v2 filter, an unknown codec or extension that
/// must be understood, a sharded precomputed scale, <c>compressed_segmentation</c>, …). The message names the feature and
/// where it was met.
/// </summary>
public sealed class VolumeFeatureNotSupportedException : NotSupportedException
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="location">The metadata file or array that uses the feature.</param>
    /// <param name="feature">The feature, as the format names it (e.g. <c>filter delta</c>, <c>encoding png</c>).</param>
    /// <param name="detail">More for people, or <see langword="null"/>.</param>
    public VolumeFeatureNotSupportedException(string location, string feature, string? detail = null)
        : base($"{location}: {feature} is not supported{(detail is null ? "." : $": {detail}")}")
    {
        Location = location;
        Feature = feature;
    }

    /// <summary>Gets the metadata file or array that uses the feature.</summary>
    public string Location { get; }

    /// <summary>Gets the feature.</summary>
    public string Feature { get; }
}
