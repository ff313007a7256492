namespace Connectomics.Volumes.Data;

/// <summary>
/// The element type of an array. Decoded chunk bytes are always little-endian, whatever byte order the format stores.
/// </summary>
public enum VoxelType
{
    /// <summary>One byte, 0 or 1 (NumPy <c>|b1</c>, Zarr v3 <c>bool</c>).</summary>
    Bool,

    /// <summary>Signed 8-bit integer.</summary>
    Int8,

    /// <summary>Unsigned 8-bit integer (most EM volumes).</summary>
    UInt8,

    /// <summary>Signed 16-bit integer.</summary>
    Int16,

    /// <summary>Unsigned 16-bit integer (CT and light-sheet volumes).</summary>
    UInt16,

    /// <summary>Signed 32-bit integer.</summary>
    Int32,

    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32,

    /// <summary>Signed 64-bit integer.</summary>
    Int64,

    /// <summary>Unsigned 64-bit integer (segmentation labels).</summary>
    UInt64,

    /// <summary>IEEE 754 half precision.</summary>
    Float16,

    /// <summary>IEEE 754 single precision.</summary>
    Float32,

    /// <summary>IEEE 754 double precision.</summary>
    Float64,
}
