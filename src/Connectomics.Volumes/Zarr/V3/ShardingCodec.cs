namespace Connectomics.Volumes.Zarr.V3;

/// <summary>The parsed <c>sharding_indexed</c> codec: the inner chunk shape and pipeline, and how the index is stored.</summary>
internal sealed class ShardingCodec
{
    public ShardingCodec(int[] innerChunkShape, ZarrV3CodecChain innerCodecs, ByteOrder indexEndian, bool indexChecksum, ShardIndexLocation indexLocation)
    {
        InnerChunkShape = innerChunkShape;
        InnerCodecs = innerCodecs;
        IndexEndian = indexEndian;
        IndexChecksum = indexChecksum;
        IndexLocation = indexLocation;
    }

    /// <summary>Gets the shape of an inner chunk.</summary>
    public int[] InnerChunkShape { get; }

    /// <summary>Gets the pipeline of each inner chunk.</summary>
    public ZarrV3CodecChain InnerCodecs { get; }

    /// <summary>Gets the byte order of the index's uint64 values.</summary>
    public ByteOrder IndexEndian { get; }

    /// <summary>Gets a value indicating whether a CRC-32C follows the index.</summary>
    public bool IndexChecksum { get; }

    /// <summary>Gets where the index is.</summary>
    public ShardIndexLocation IndexLocation { get; }

    /// <summary>Gets the encoded size of the index of a shard of <paramref name="innerChunkCount"/> inner chunks.</summary>
    public long IndexByteCount(long innerChunkCount) => checked((16 * innerChunkCount) + (IndexChecksum ? 4 : 0));
}
