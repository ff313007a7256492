using System.Text.Json.Nodes;
using Connectomics.Volumes.Data;

namespace Connectomics.Volumes.Zarr.V3;

/// <summary>
/// What <see cref="ZarrV3Array.CreateAsync"/> writes into a new array's <c>zarr.json</c>. Checked as a whole before
/// anything is written.
/// </summary>
public sealed class ZarrV3ArrayOptions
{
    /// <summary>Gets or sets the array's shape, C order (e.g. <c>[z, y, x]</c>).</summary>
    /// <value>Required; every extent ≥ 0.</value>
    public IReadOnlyList<long> Shape { get; set; } = [];

    /// <summary>Gets or sets the shape of the chunks that reads decode one at a time (the inner chunk when sharded).</summary>
    /// <value>Required; one extent &gt; 0 per axis.</value>
    public IReadOnlyList<int> ChunkShape { get; set; } = [];

    /// <summary>Gets or sets the shape of a shard, a multiple of <see cref="ChunkShape"/> on every axis, or
    /// <see langword="null"/> for an unsharded array.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IReadOnlyList<int>? ShardShape { get; set; }

    /// <summary>Gets or sets the element type.</summary>
    /// <value>The default value is <see cref="VoxelType.UInt8"/>.</value>
    public VoxelType DataType { get; set; } = VoxelType.UInt8;

    /// <summary>Gets or sets the value of elements never written (NaN and infinities allowed for floats, 0 or 1 for bool).</summary>
    /// <value>The default value is 0.</value>
    public double FillValue { get; set; }

    /// <summary>Gets or sets the codecs of a chunk (of an inner chunk when sharded), in encoding order: optional
    /// <see cref="ZarrV3Codec.Transpose"/>s, then <see cref="ZarrV3Codec.Bytes"/> (added, little-endian, when absent),
    /// then bytes-to-bytes codecs (<see cref="ZarrV3Codec.Blosc"/>, <see cref="ZarrV3Codec.Gzip"/>,
    /// <see cref="ZarrV3Codec.Zstd"/>, <see cref="ZarrV3Codec.Crc32c"/>).</summary>
    /// <value>The default value is empty: little-endian bytes, uncompressed.</value>
    public IList<ZarrV3Codec> Codecs { get; set; } = [];

    /// <summary>Gets or sets where a shard keeps its index. Used when <see cref="ShardShape"/> is set.</summary>
    /// <value>The default value is <see cref="ShardIndexLocation.End"/>.</value>
    public ShardIndexLocation IndexLocation { get; set; } = ShardIndexLocation.End;

    /// <summary>Gets or sets a value indicating whether a shard index carries a CRC-32C (index codecs <c>bytes</c>,
    /// <c>crc32c</c>, as zarr-python writes them). Used when <see cref="ShardShape"/> is set.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IndexChecksum { get; set; } = true;

    /// <summary>Gets or sets how chunks are named.</summary>
    /// <value>The default value is <see cref="ZarrV3ChunkKeyEncoding.Default"/> (<c>c/0/0/0</c>).</value>
    public ZarrV3ChunkKeyEncoding ChunkKeyEncoding { get; set; } = ZarrV3ChunkKeyEncoding.Default;

    /// <summary>Gets or sets the separator of chunk key parts, <c>/</c> or <c>.</c>, or <see langword="null"/> for the
    /// encoding's own (<c>/</c> for default, <c>.</c> for v2).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public char? ChunkKeySeparator { get; set; }

    /// <summary>Gets or sets the name of each axis, or <see langword="null"/> to record none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IReadOnlyList<string>? DimensionNames { get; set; }

    /// <summary>Gets or sets the user attributes (<c>attributes</c> in <c>zarr.json</c>), or <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public JsonObject? Attributes { get; set; }

    /// <summary>Checks the options as a whole.</summary>
    /// <exception cref="ArgumentException">Something is wrong; the message lists every failure.</exception>
    internal void Validate()
    {
        var failures = new List<string>();
        var rank = Shape?.Count ?? 0;
        if (Shape is null)
        {
            failures.Add("Shape is required.");
        }
        else if (Shape.Any(extent => extent < 0))
        {
            failures.Add($"Shape [{string.Join(", ", Shape)}] has a negative extent.");
        }

        if (ChunkShape is null || ChunkShape.Count != rank || ChunkShape.Any(extent => extent <= 0))
        {
            failures.Add($"ChunkShape [{string.Join(", ", ChunkShape ?? [])}] must have one extent > 0 for each of the {rank} axes.");
        }
        else if (ShardShape is not null)
        {
            if (ShardShape.Count != rank || ShardShape.Where((extent, axis) => extent <= 0 || extent % ChunkShape[axis] != 0).Any())
            {
                failures.Add($"ShardShape [{string.Join(", ", ShardShape)}] must have {rank} extents, each a positive multiple of ChunkShape [{string.Join(", ", ChunkShape)}].");
            }
        }

        if (!Enum.IsDefined(DataType))
        {
            failures.Add($"DataType {DataType} is not a voxel type.");
        }
        else
        {
            try
            {
                ZarrV3FillValue.Format(FillValue, DataType);
            }
            catch (ArgumentException e)
            {
                failures.Add(e.Message);
            }
        }

        if (Codecs is null || Codecs.Any(codec => codec is null))
        {
            failures.Add("Codecs must not be or hold null.");
        }

        if (ChunkKeySeparator is not null and not '/' and not '.')
        {
            failures.Add($"ChunkKeySeparator '{ChunkKeySeparator}' is neither '/' nor '.'.");
        }

        if (DimensionNames is not null && DimensionNames.Count != rank)
        {
            failures.Add($"DimensionNames has {DimensionNames.Count} names for {rank} axes.");
        }

        if (failures.Count > 0)
        {
            throw new ArgumentException($"{nameof(ZarrV3ArrayOptions)}: {string.Join(" ", failures)}");
        }
    }
}
