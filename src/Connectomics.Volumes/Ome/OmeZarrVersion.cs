namespace Connectomics.Volumes.Ome;

/// <summary>The OME-Zarr (OME-NGFF) versions read and written.</summary>
public enum OmeZarrVersion
{
    /// <summary>0.4: Zarr v2; <c>multiscales</c> in the image group's <c>.zattrs</c>, with a <c>version</c> field in each.</summary>
    V04,

    /// <summary>0.5: Zarr v3; <c>attributes.ome</c> of the group's <c>zarr.json</c> holds <c>version</c> and
    /// <c>multiscales</c>, and each array's <c>dimension_names</c> are the axis names.</summary>
    V05,
}
