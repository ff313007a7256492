using System.Buffers.Binary;
using System.Globalization;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Reading;
using Connectomics.Volumes.Zarr;

namespace Connectomics.Volumes.Conversion;

/// <summary>
/// The shape of one conversion, worked out from the source array and the options before anything is written: the
/// destination's chunk and shard shapes, its write units (one per stored chunk or shard), and the memory bound.
/// </summary>
internal sealed class ConversionPlan
{
    private ConversionPlan(ChunkedArrayInfo source, VolumeConversionOptions options, int[] chunkShape, int[]? shardShape, bool channelAxis)
    {
        Source = source;
        ChunkShape = chunkShape;
        ShardShape = shardShape;
        HasChannelAxis = channelAxis;
        var lead = source.Rank - 3;
        SourceChannels = lead == 1 ? (int)source.Shape[0] : 1;
        SpatialShape = new Index3(source.Shape[lead], source.Shape[lead + 1], source.Shape[lead + 2]);
        var unit = shardShape ?? chunkShape;
        UnitChannels = channelAxis ? unit[0] : 1;
        UnitSpatial = new Index3(unit[^3], unit[^2], unit[^1]);
        UnitGrid = new Index3(Ceiling(SpatialShape.Z, UnitSpatial.Z), Ceiling(SpatialShape.Y, UnitSpatial.Y), Ceiling(SpatialShape.X, UnitSpatial.X));
        ChannelUnits = channelAxis ? Ceiling(SourceChannels, UnitChannels) : 1;
        UnitCount = checked(ChannelUnits * UnitGrid.Volume);
        var elementSize = source.DataType.ByteSize();
        UnitBytes = checked(UnitChannels * UnitSpatial.Volume * elementSize);
        ReadBytes = checked(SourceChannels * UnitSpatial.Volume * elementSize);
        var inFlightChunks = checked(options.Read.ReadConcurrency * source.ChunkByteCount);
        var perUnit = checked(ReadBytes + (ReadBytes == UnitBytes && SourceChannels == UnitChannels ? 0 : UnitBytes) + EncodedBound(UnitBytes));
        MemoryBoundBytes = checked(options.CacheBytes + inFlightChunks + (options.Concurrency * perUnit));
    }

    public ChunkedArrayInfo Source { get; }

    /// <summary>Gets the destination's chunk shape (inner chunk when sharded), destination rank.</summary>
    public int[] ChunkShape { get; }

    /// <summary>Gets the destination's shard shape, or <see langword="null"/>.</summary>
    public int[]? ShardShape { get; }

    /// <summary>Gets whether the destination has a leading channel axis.</summary>
    public bool HasChannelAxis { get; }

    /// <summary>Gets the number of channels of the source (1 without a channel axis).</summary>
    public int SourceChannels { get; }

    /// <summary>Gets the spatial extent of the array.</summary>
    public Index3 SpatialShape { get; }

    /// <summary>Gets the channels of one write unit (1 without a channel axis).</summary>
    public int UnitChannels { get; }

    /// <summary>Gets the spatial extent of one write unit.</summary>
    public Index3 UnitSpatial { get; }

    /// <summary>Gets the number of write units along z, y and x.</summary>
    public Index3 UnitGrid { get; }

    /// <summary>Gets the number of write units along the channel axis (1 without one).</summary>
    public long ChannelUnits { get; }

    /// <summary>Gets the number of write units.</summary>
    public long UnitCount { get; }

    /// <summary>Gets the decoded bytes of one write unit.</summary>
    public long UnitBytes { get; }

    /// <summary>Gets the bytes of one read: a unit's spatial box with all the source's channels.</summary>
    public long ReadBytes { get; }

    /// <summary>Gets the bound on the memory a conversion holds.</summary>
    public long MemoryBoundBytes { get; }

    /// <summary>Gets the destination shape.</summary>
    public long[] DestinationShape => HasChannelAxis
        ? [SourceChannels, SpatialShape.Z, SpatialShape.Y, SpatialShape.X]
        : [SpatialShape.Z, SpatialShape.Y, SpatialShape.X];

    /// <summary>Works out a conversion.</summary>
    /// <param name="source">The source array.</param>
    /// <param name="options">The validated options.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentException">The options do not fit the source (rank, shapes, type); the message names the
    /// source and lists every problem.</exception>
    public static ConversionPlan Create(ChunkedArrayInfo source, VolumeConversionOptions options)
    {
        var failures = new List<string>();
        VolumeGeometryCheck(source, failures);
        if (failures.Count > 0)
        {
            throw new ArgumentException($"{source.Location}: {string.Join(" ", failures)}");
        }

        var lead = source.Rank - 3;
        var channels = lead == 1 ? source.Shape[0] : 1;

        // Precomputed keeps channels as its own axis only when there is more than one.
        var channelAxis = options.Format == VolumeFormat.Precomputed ? channels > 1 : lead == 1;
        var rank = channelAxis ? 4 : 3;
        // A precomputed chunk holds every channel.
        var channelChunk = options.Format == VolumeFormat.Precomputed ? (int)channels : lead == 1 ? source.ChunkShape[0] : 1;
        var sourceChunk = Spatial(source.ChunkShape, lead, channelAxis, channelChunk);
        var chunk = options.ChunkShape is null ? sourceChunk : Expand(options.ChunkShape, rank, sourceChunk, nameof(options.ChunkShape), failures);
        int[]? shard = null;
        if (options.ShardShape is not null)
        {
            shard = Expand(options.ShardShape, rank, sourceChunk, nameof(options.ShardShape), failures);
        }
        else if (options.Format == VolumeFormat.ZarrV3 && options.ChunkShape is null && source.ShardShape is not null)
        {
            shard = Spatial(source.ShardShape, lead, channelAxis, lead == 1 ? source.ShardShape[0] : 1);
        }

        if (options.Format == VolumeFormat.Precomputed)
        {
            if (channelAxis && chunk[0] != channels)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"a precomputed chunk holds all {channels} channels; the chunk shape's channel extent is {chunk[0]}."));
            }

            if (source.DataType is VoxelType.Bool or VoxelType.Float16)
            {
                failures.Add($"precomputed has no data type for {source.DataType}.");
            }
        }

        if (shard is not null && failures.Count == 0 && !VolumeConversionOptions.IsMultiple(shard, chunk))
        {
            failures.Add($"the shard shape [{string.Join(", ", shard)}] is not a multiple of the chunk shape [{string.Join(", ", chunk)}] on every axis.");
        }

        if (failures.Count == 0)
        {
            var unitElements = (shard ?? chunk).Aggregate(1L, (product, extent) => product * extent) * source.DataType.ByteSize();
            if (unitElements > Array.MaxLength)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"a write unit [{string.Join(", ", shard ?? chunk)}] holds {unitElements} bytes, more than one buffer can hold."));
            }
        }

        if (failures.Count == 0 && options.Format == VolumeFormat.ZarrV3)
        {
            try
            {
                _ = FillAsDouble(source);
            }
            catch (ArgumentException e)
            {
                failures.Add(e.Message);
            }
        }

        if (failures.Count > 0)
        {
            throw new ArgumentException($"Converting {source.Location} to {options.Format}: {string.Join(" ", failures)}");
        }

        return new ConversionPlan(source, options, chunk, shard, channelAxis);
    }

    /// <summary>Gets the source's fill value as a number, for a Zarr v3 <c>fill_value</c>.</summary>
    /// <param name="source">The source.</param>
    /// <returns>The number; converting it back gives the same element.</returns>
    /// <exception cref="ArgumentException">A number cannot hold the fill value exactly (a 64-bit integer beyond 2^53).</exception>
    public static double FillAsDouble(ChunkedArrayInfo source)
    {
        var fill = source.FillValue.Span;
        var value = source.DataType switch
        {
            VoxelType.Bool or VoxelType.UInt8 => fill[0],
            VoxelType.Int8 => (sbyte)fill[0],
            VoxelType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(fill),
            VoxelType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(fill),
            VoxelType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(fill),
            VoxelType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(fill),
            VoxelType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(fill),
            VoxelType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(fill),
            VoxelType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(fill),
            VoxelType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(fill),
            _ => BinaryPrimitives.ReadDoubleLittleEndian(fill),
        };
        if (!double.IsNaN(value) && !ZarrFillValue.FromDouble(value, source.DataType).AsSpan().SequenceEqual(fill))
        {
            throw new ArgumentException($"the fill value of {source.Location} ({source.DataType}) has no exact Zarr v3 number.");
        }

        return value;
    }

    /// <summary>Gets the store key of a unit, for messages: its index, comma-separated.</summary>
    /// <param name="index">The unit index.</param>
    /// <returns>The text.</returns>
    public static string Describe(ReadOnlySpan<long> index)
    {
        var parts = new string[index.Length];
        for (var i = 0; i < index.Length; i++)
        {
            parts[i] = index[i].ToString(CultureInfo.InvariantCulture);
        }

        return string.Join(", ", parts);
    }

    /// <summary>Lists the unit indices in C order (channel unit, then z, y, x).</summary>
    /// <returns>The indices, destination rank.</returns>
    public IEnumerable<long[]> UnitIndices()
    {
        for (long c = 0; c < ChannelUnits; c++)
        {
            for (long z = 0; z < UnitGrid.Z; z++)
            {
                for (long y = 0; y < UnitGrid.Y; y++)
                {
                    for (long x = 0; x < UnitGrid.X; x++)
                    {
                        yield return HasChannelAxis ? [c, z, y, x] : [z, y, x];
                    }
                }
            }
        }
    }

    /// <summary>Gets the voxels a unit covers (it may reach past the array's edge, where the fill value is read).</summary>
    /// <param name="unitIndex">The unit index.</param>
    /// <returns>The box.</returns>
    public Box3 UnitBox(ReadOnlySpan<long> unitIndex)
    {
        var start = new Index3(unitIndex[^3] * UnitSpatial.Z, unitIndex[^2] * UnitSpatial.Y, unitIndex[^1] * UnitSpatial.X);
        return Box3.FromStartSize(start, UnitSpatial);
    }

    private static void VolumeGeometryCheck(ChunkedArrayInfo source, List<string> failures)
    {
        if (source.Rank is not (3 or 4) || source.ChunkShape.Count != source.Rank)
        {
            failures.Add($"an array of rank {source.Rank} cannot be converted: volumes are [z, y, x] or [c, z, y, x].");
        }
        else if (source.Rank == 4 && source.Shape[0] is < 1 or > int.MaxValue)
        {
            failures.Add($"the channel axis has {source.Shape[0]} entries.");
        }
    }

    private static int[] Spatial(IReadOnlyList<int> shape, int lead, bool channelAxis, int channelExtent) =>
        channelAxis ? [channelExtent, shape[lead], shape[lead + 1], shape[lead + 2]] : [shape[lead], shape[lead + 1], shape[lead + 2]];

    private static int[] Expand(IReadOnlyList<int> given, int rank, int[] sourceChunk, string name, List<string> failures)
    {
        if (given.Count == rank)
        {
            return [.. given];
        }

        if (given.Count == 3 && rank == 4)
        {
            return [sourceChunk[0], given[0], given[1], given[2]];
        }

        failures.Add($"{name} [{string.Join(", ", given)}] has {given.Count} extents; the destination has {rank} axes{(rank == 4 ? " (3 spatial extents also do)" : string.Empty)}.");
        return sourceChunk;
    }

    private static long Ceiling(long extent, long unit) => (extent + unit - 1) / unit;

    /// <summary>Gets the most bytes one unit's encoding holds: its encoded copy, at most the decoded size plus framing
    /// (a sharded unit's inner chunks encoded one by one, then joined with the index).</summary>
    private static long EncodedBound(long unitBytes) => checked((2 * unitBytes) + (64 * 1024));
}
