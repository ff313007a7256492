using System.Buffers.Binary;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Data;

namespace Connectomics.Volumes.Stores;

/// <summary>One array of a volume store (a Zarr array, an OME-Zarr level, a precomputed scale), described for people
/// and for choosing what to read.</summary>
public sealed record VolumeArrayDescription
{
    /// <summary>Gets the array's name: its path in the store, or the precomputed scale's key.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the level in its multiscale pyramid (0 is the finest; 0 for an array outside one).</summary>
    public required int Level { get; init; }

    /// <summary>Gets the path of the OME-Zarr image group whose level this is, or <see langword="null"/> when the array is
    /// not in one.</summary>
    public string? Multiscale { get; init; }

    /// <summary>Gets the extent of each axis, C order.</summary>
    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>Gets the element type.</summary>
    public required VoxelType DataType { get; init; }

    /// <summary>Gets the shape of the chunks reads decode (the inner chunk of a sharded array).</summary>
    public required IReadOnlyList<int> ChunkShape { get; init; }

    /// <summary>Gets the shard shape, or <see langword="null"/> when the array is not sharded.</summary>
    public IReadOnlyList<int>? ShardShape { get; init; }

    /// <summary>Gets the codecs a chunk passes through (for precomputed: the encoding).</summary>
    public required string CodecSummary { get; init; }

    /// <summary>Gets the fill value (the value of elements never written).</summary>
    public required double FillValue { get; init; }

    /// <summary>Gets the name of each axis where the format records them (<c>dimension_names</c>, OME-Zarr axes).</summary>
    public IReadOnlyList<string>? DimensionNames { get; init; }

    /// <summary>Gets the size of one voxel along z, y and x, in <see cref="Unit"/>.</summary>
    public required (double Z, double Y, double X) VoxelSize { get; init; }

    /// <summary>Gets the unit of <see cref="VoxelSize"/>: <c>nanometer</c> when known, <c>voxel</c> when the store says
    /// nothing.</summary>
    public required string Unit { get; init; }

    /// <summary>Gets why the array cannot be read by this package (a sharded precomputed scale, an unsupported encoding),
    /// or <see langword="null"/> when it can.</summary>
    public string? NotReadable { get; init; }

    /// <summary>Describes an opened array.</summary>
    internal static VolumeArrayDescription From(ChunkedArrayInfo info, string name, int level, string? multiscale, (double Z, double Y, double X) voxelSize, string unit) => new()
    {
        Name = name,
        Level = level,
        Multiscale = multiscale,
        Shape = info.Shape,
        DataType = info.DataType,
        ChunkShape = info.ChunkShape,
        ShardShape = info.ShardShape,
        CodecSummary = info.CodecSummary,
        FillValue = ToDouble(info.FillValue.Span, info.DataType),
        DimensionNames = info.DimensionNames,
        VoxelSize = voxelSize,
        Unit = unit,
    };

    /// <summary>Reads one little-endian element as a number.</summary>
    internal static double ToDouble(ReadOnlySpan<byte> element, VoxelType type) => type switch
    {
        VoxelType.Bool or VoxelType.UInt8 => element[0],
        VoxelType.Int8 => (sbyte)element[0],
        VoxelType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(element),
        VoxelType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(element),
        VoxelType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(element),
        VoxelType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(element),
        VoxelType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(element),
        VoxelType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(element),
        VoxelType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(element),
        VoxelType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(element),
        VoxelType.Float64 => BinaryPrimitives.ReadDoubleLittleEndian(element),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an element type"),
    };
}
