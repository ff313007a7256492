namespace Connectomics.Volumes.Precomputed;

/// <summary>The chunk encodings of precomputed volumes that this package reads (and, for <see cref="Raw"/>, writes).</summary>
public static class PrecomputedEncodings
{
    /// <summary>Little-endian voxels in <c>[x, y, z, channel]</c> Fortran order, no header.</summary>
    public const string Raw = "raw";

    /// <summary>A 1- or 3-channel JPEG image of uint8 voxels whose concatenated rows are the chunk in <c>[x, y, z]</c> Fortran order.</summary>
    public const string Jpeg = "jpeg";
}
