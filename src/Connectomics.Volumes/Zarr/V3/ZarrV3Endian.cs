namespace Connectomics.Volumes.Zarr.V3;

/// <summary>The byte order the Zarr v3 <c>bytes</c> codec stores multi-byte elements in.</summary>
public enum ZarrV3Endian
{
    /// <summary>Little-endian (<c>"little"</c>), the usual choice and the one every reader handles fastest.</summary>
    Little,

    /// <summary>Big-endian (<c>"big"</c>).</summary>
    Big,
}
