namespace Connectomics.Volumes.Arrays;

/// <summary>The on-disk formats of chunked arrays.</summary>
public enum VolumeFormat
{
    /// <summary>Zarr version 2 (<c>.zarray</c>).</summary>
    ZarrV2,

    /// <summary>Zarr version 3 (<c>zarr.json</c>), with or without sharding.</summary>
    ZarrV3,

    /// <summary>Neuroglancer precomputed (<c>info</c>), one array per scale.</summary>
    Precomputed,
}
