using System.Text.Json.Nodes;
using Connectomics.Volumes.Data;

namespace Connectomics.Volumes.Zarr.V3;

/// <summary>A parsed array <c>zarr.json</c>.</summary>
internal sealed record ZarrV3ArrayMetadata
{
    /// <summary>Gets the array's shape.</summary>
    public required long[] Shape { get; init; }

    /// <summary>Gets the regular chunk grid's chunk shape (the shard shape of a sharded array).</summary>
    public required int[] GridChunkShape { get; init; }

    /// <summary>Gets the element type.</summary>
    public required VoxelType DataType { get; init; }

    /// <summary>Gets the fill value, one little-endian element.</summary>
    public required byte[] FillValue { get; init; }

    /// <summary>Gets the chunk key encoding.</summary>
    public required ZarrV3ChunkKeyEncoding KeyEncoding { get; init; }

    /// <summary>Gets the separator of chunk key parts.</summary>
    public required char KeySeparator { get; init; }

    /// <summary>Gets the codec pipeline.</summary>
    public required ZarrV3CodecChain Codecs { get; init; }

    /// <summary>Gets the axis names, or null when not recorded.</summary>
    public string[]? DimensionNames { get; init; }

    /// <summary>Gets the user attributes.</summary>
    public required JsonObject Attributes { get; init; }
}
