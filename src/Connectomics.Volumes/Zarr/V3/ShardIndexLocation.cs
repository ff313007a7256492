namespace Connectomics.Volumes.Zarr.V3;

/// <summary>Where a shard keeps its index of inner chunks (the <c>index_location</c> of <c>sharding_indexed</c>).</summary>
public enum ShardIndexLocation
{
    /// <summary>After the inner chunks (<c>"end"</c>, the default): read with one suffix range read.</summary>
    End,

    /// <summary>Before the inner chunks (<c>"start"</c>): read with one range read from the first byte.</summary>
    Start,
}
