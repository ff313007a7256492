namespace Connectomics.Volumes.Pipelines;

/// <summary>What one table row of a volume pipeline stands for.</summary>
public enum RowGranularity
{
    /// <summary>One row per block: its write box.</summary>
    Block,

    /// <summary>One row per cell of a regular grid cut from each block's write box.</summary>
    Cell,

    /// <summary>One row per given point that lies in a block's write box.</summary>
    Point,
}
