namespace Connectomics.Volumes.Zarr.V2;

/// <summary>The memory layout of the elements inside a stored Zarr v2 chunk (<c>.zarray</c> <c>order</c>).</summary>
public enum ZarrV2Order
{
    /// <summary>Row-major: the last axis varies fastest (NumPy's default, and the API's layout).</summary>
    C,

    /// <summary>Column-major (Fortran): the first axis varies fastest.</summary>
    F,
}
