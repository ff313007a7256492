using Connectomics.Volumes.Data;

namespace Connectomics.Volumes.Arrays;

/// <summary>
/// What a chunked array is, in the API's terms whatever its format: an N-dimensional shape in C order (the last axis
/// varies fastest; spatial axes end in <c>z, y, x</c>), the read-chunk grid, the element type and the fill value.
/// </summary>
public sealed record ChunkedArrayInfo
{
    /// <summary>Gets the format the array is stored in.</summary>
    public required VolumeFormat Format { get; init; }

    /// <summary>Gets where the array is: the store location and the array's path in it, as error messages name it.</summary>
    public required string Location { get; init; }

    /// <summary>Gets the extent of each axis, C order.</summary>
    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>
    /// Gets the shape of the chunks that reads fetch and decode one at a time, C order: the chunk of an unsharded
    /// array, the inner chunk of a sharded one, a scale's chunk size in precomputed.
    /// </summary>
    public required IReadOnlyList<int> ChunkShape { get; init; }

    /// <summary>
    /// Gets the shape of the units that writes store one at a time (a shard), or <see langword="null"/> when the write
    /// unit is the chunk itself.
    /// </summary>
    public IReadOnlyList<int>? ShardShape { get; init; }

    /// <summary>Gets the element type.</summary>
    public required VoxelType DataType { get; init; }

    /// <summary>Gets the value of elements never written, as one little-endian element (<see cref="VoxelTypeExtensions.ByteSize"/> bytes).</summary>
    public required ReadOnlyMemory<byte> FillValue { get; init; }

    /// <summary>Gets the name of each axis (<c>c</c>, <c>z</c>, <c>y</c>, <c>x</c>, …) where the format records them.</summary>
    public IReadOnlyList<string>? DimensionNames { get; init; }

    /// <summary>Gets the codecs a chunk passes through, described for people (e.g. <c>blosc(zstd, clevel 5, bitshuffle)</c>).</summary>
    public required string CodecSummary { get; init; }

    /// <summary>Gets the number of dimensions.</summary>
    public int Rank => Shape.Count;

    /// <summary>Gets the shape of the write unit: <see cref="ShardShape"/>, else <see cref="ChunkShape"/>.</summary>
    public IReadOnlyList<int> WriteUnitShape => ShardShape ?? ChunkShape;

    /// <summary>Gets the number of chunks along each axis (the last ones partial where the shape is not a multiple).</summary>
    public IReadOnlyList<long> ChunkGridShape => [.. Shape.Select((extent, axis) => (extent + ChunkShape[axis] - 1) / ChunkShape[axis])];

    /// <summary>Gets the number of bytes of one whole decoded chunk.</summary>
    public long ChunkByteCount => ChunkShape.Aggregate((long)DataType.ByteSize(), (product, extent) => checked(product * extent));
}
