namespace Connectomics.Volumes.Blocks;

/// <summary>Why a block is skipped.</summary>
public enum BlockSkipReason
{
    /// <summary>The block is not skipped.</summary>
    None,

    /// <summary>The caller's <see cref="BlockGridOptions.SkipWhen"/> returned <see langword="true"/>.</summary>
    Predicate,

    /// <summary>The block's read box holds only the fill value (<see cref="BlockGridOptions.SkipEmpty"/>).</summary>
    Empty,

    /// <summary>No point of a per-point pipeline lies in the block's write box.</summary>
    NoPoints,
}
