namespace Connectomics.Volumes.Stores;

/// <summary>How a <see cref="VolumeStore"/> opens its store and arrays.</summary>
public sealed class VolumeStoreOptions
{
    /// <summary>Gets or sets a value indicating whether a missing precomputed chunk reads as zeros (CloudVolume's
    /// <c>fill_missing</c>) instead of failing with <see cref="Errors.MissingChunkException"/>. Zarr reads a missing chunk
    /// as the fill value whatever this says.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool FillMissing { get; set; }

    /// <summary>Gets or sets the client <c>http(s)</c> locations are read with (its handler, headers and time-out), or
    /// <see langword="null"/> for <see cref="HttpStore"/>'s shared default client.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public HttpClient? HttpClient { get; set; }
}
