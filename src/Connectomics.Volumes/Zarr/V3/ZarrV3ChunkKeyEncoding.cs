namespace Connectomics.Volumes.Zarr.V3;

/// <summary>How a Zarr v3 array names its chunks (the <c>chunk_key_encoding</c>).</summary>
public enum ZarrV3ChunkKeyEncoding
{
    /// <summary><c>default</c>: <c>c/0/0/0</c> (separator <c>/</c> unless set to <c>.</c>: <c>c.0.0.0</c>); the chunk of a 0-D array is <c>c</c>.</summary>
    Default,

    /// <summary><c>v2</c>: <c>0.0.0</c> (separator <c>.</c> unless set to <c>/</c>), as Zarr v2 names chunks; the chunk of a 0-D array is <c>0</c>.</summary>
    V2,
}
