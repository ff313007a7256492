namespace Connectomics.Volumes.Zarr;

/// <summary>The byte order in which a Zarr array stores multi-byte elements (decoded chunks are always little-endian).</summary>
public enum ByteOrder
{
    /// <summary>Least significant byte first (NumPy <c>&lt;</c>, Zarr v3 <c>bytes</c> codec <c>"endian": "little"</c>).</summary>
    Little,

    /// <summary>Most significant byte first (NumPy <c>&gt;</c>, Zarr v3 <c>"endian": "big"</c>).</summary>
    Big,
}
