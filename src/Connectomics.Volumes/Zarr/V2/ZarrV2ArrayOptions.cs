using System.Text.Json.Nodes;
using Connectomics.Volumes.Codecs;
using Connectomics.Volumes.Data;

namespace Connectomics.Volumes.Zarr.V2;

/// <summary>What <see cref="ZarrV2Array.CreateAsync"/> writes into a new <c>.zarray</c>.</summary>
public sealed class ZarrV2ArrayOptions
{
    /// <summary>Gets the extent of each axis, C order (e.g. <c>[z, y, x]</c>).</summary>
    public required IReadOnlyList<long> Shape { get; init; }

    /// <summary>Gets the chunk extent along each axis; as many as <see cref="Shape"/>, each at least 1.</summary>
    public required IReadOnlyList<int> Chunks { get; init; }

    /// <summary>Gets the element type.</summary>
    public required VoxelType DataType { get; init; }

    /// <summary>Gets the byte order of stored elements.</summary>
    /// <value>The default value is <see cref="Zarr.ByteOrder.Little"/>.</value>
    public ByteOrder ByteOrder { get; init; } = ByteOrder.Little;

    /// <summary>Gets the layout of the elements inside a stored chunk.</summary>
    /// <value>The default value is <see cref="ZarrV2Order.C"/>.</value>
    public ZarrV2Order Order { get; init; } = ZarrV2Order.C;

    /// <summary>Gets the fill value as a number (NaN and infinities included for floating-point types); integer types
    /// need an integer the type holds. Ignored when <see cref="FillValueBytes"/> is set.</summary>
    /// <value>The default value is 0, zarr-python's default.</value>
    public double FillValue { get; init; }

    /// <summary>Gets the fill value as one little-endian element, for values a <see cref="double"/> cannot hold exactly
    /// (64-bit integers above 2⁵³); takes precedence over <see cref="FillValue"/>.</summary>
    /// <value>The default value is <see langword="null"/>: <see cref="FillValue"/> applies.</value>
    public ReadOnlyMemory<byte>? FillValueBytes { get; init; }

    /// <summary>Gets the compressor: a <see cref="BloscCodec"/>, <see cref="ZstdCodec"/>, <see cref="GzipCodec"/>,
    /// <see cref="ZlibCodec"/> or <see cref="Lz4Codec"/>, or <see langword="null"/> to store chunks raw.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IBytesCodec? Compressor { get; init; }

    /// <summary>Gets the character between chunk indices in chunk keys: <c>.</c> (<c>0.0.0</c>) or <c>/</c> (<c>0/0/0</c>).</summary>
    /// <value>The default value is <c>.</c>.</value>
    public char DimensionSeparator { get; init; } = '.';

    /// <summary>Gets the attributes written to <c>.zattrs</c>, or <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public JsonObject? Attributes { get; init; }

    /// <summary>Checks the options and gets the fill value as one little-endian element.</summary>
    /// <returns>The fill value.</returns>
    /// <exception cref="ArgumentException">Something is wrong; the message lists every problem.</exception>
    internal byte[] Validate()
    {
        var problems = new List<string>();
        byte[]? fill = null;
        if (Shape is null || Chunks is null)
        {
            problems.Add("Shape and Chunks are required.");
        }
        else
        {
            if (Shape.Any(extent => extent < 0))
            {
                problems.Add($"Shape [{string.Join(", ", Shape)}] has a negative extent.");
            }

            if (Chunks.Count != Shape.Count)
            {
                problems.Add($"Chunks has {Chunks.Count} axes but Shape has {Shape.Count}.");
            }

            if (Chunks.Any(extent => extent < 1))
            {
                problems.Add($"Chunks [{string.Join(", ", Chunks)}] has an extent below 1.");
            }
            else if (Enum.IsDefined(DataType) && Chunks.Aggregate((long)DataType.ByteSize(), (product, extent) => Math.Min(product * extent, long.MaxValue / int.MaxValue)) > Array.MaxLength)
            {
                problems.Add($"Chunks [{string.Join(", ", Chunks)}] of {DataType} make chunks larger than one array can hold (2 GiB).");
            }
        }

        if (!Enum.IsDefined(DataType))
        {
            problems.Add($"DataType {DataType} is not a voxel type.");
        }
        else if (FillValueBytes is { } bytes)
        {
            if (bytes.Length != DataType.ByteSize())
            {
                problems.Add($"FillValueBytes holds {bytes.Length} bytes; one {DataType} element is {DataType.ByteSize()}.");
            }
            else
            {
                fill = bytes.ToArray();
            }
        }
        else
        {
            try
            {
                fill = ZarrFillValue.FromDouble(FillValue, DataType);
            }
            catch (ArgumentOutOfRangeException error)
            {
                problems.Add($"FillValue {FillValue}: {error.Message.Split(Environment.NewLine)[0]}");
            }
        }

        if (!Enum.IsDefined(ByteOrder))
        {
            problems.Add($"ByteOrder {ByteOrder} is neither Little nor Big.");
        }

        if (!Enum.IsDefined(Order))
        {
            problems.Add($"Order {Order} is neither C nor F.");
        }

        if (DimensionSeparator is not ('.' or '/'))
        {
            problems.Add($"DimensionSeparator '{DimensionSeparator}' is neither '.' nor '/'.");
        }

        if (Compressor is not null && !ZarrV2Compressor.IsCompressor(Compressor))
        {
            problems.Add($"Compressor {Compressor.Description} is no Zarr v2 compressor; use blosc, zstd, gzip, zlib, lz4 or none.");
        }

        return problems.Count == 0 ? fill! : throw new ArgumentException($"{nameof(ZarrV2ArrayOptions)}: {string.Join(" ", problems)}");
    }
}
