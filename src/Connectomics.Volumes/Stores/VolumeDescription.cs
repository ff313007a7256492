using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Ome;

namespace Connectomics.Volumes.Stores;

/// <summary>What a volume store holds: its format, its arrays (or precomputed scales) and its OME-Zarr images.</summary>
public sealed record VolumeDescription
{
    /// <summary>Gets the store's location.</summary>
    public required string Location { get; init; }

    /// <summary>Gets the format detected.</summary>
    public required VolumeFormat Format { get; init; }

    /// <summary>Gets the arrays, OME-Zarr levels in pyramid order first, then the others by path; for precomputed, the
    /// scales as the <c>info</c> file lists them.</summary>
    public required IReadOnlyList<VolumeArrayDescription> Arrays { get; init; }

    /// <summary>Gets the OME-Zarr image groups found (empty when there are none).</summary>
    public IReadOnlyList<OmeZarrImage> Images { get; init; } = [];

    /// <summary>Gets a value indicating whether the store could be listed; when it could not (HTTP), arrays that no
    /// OME-Zarr or consolidated metadata names are not found, and must be named to be opened.</summary>
    public bool Listed { get; init; } = true;
}
