namespace Connectomics.Volumes.Ome;

/// <summary>One level of an OME-Zarr image to write: its array's path, shape and chunking, and its coordinate
/// transformations.</summary>
public sealed class OmeZarrLevel
{
    /// <summary>Gets or sets the array's path relative to the image group (e.g. <c>s0</c>, <c>0</c>).</summary>
    public required string Path { get; set; }

    /// <summary>Gets or sets the extent of each axis, in axis order.</summary>
    public required IReadOnlyList<long> Shape { get; set; }

    /// <summary>Gets or sets the chunk shape (the inner chunk when <see cref="ShardShape"/> is set).</summary>
    public required IReadOnlyList<int> ChunkShape { get; set; }

    /// <summary>Gets or sets the shard shape (OME-Zarr 0.5 only; each extent a multiple of the chunk's), or
    /// <see langword="null"/> for no sharding.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IReadOnlyList<int>? ShardShape { get; set; }

    /// <summary>Gets or sets the <c>scale</c>: the size of one array step along each axis, in the axis' unit.</summary>
    public required IReadOnlyList<double> Scale { get; set; }

    /// <summary>Gets or sets the <c>translation</c> (the position of element 0 along each axis), or <see langword="null"/>
    /// for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IReadOnlyList<double>? Translation { get; set; }
}
