using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Connectomics.Volumes.Arrays;
using Connectomics.Volumes.Reading;
using Microsoft.Extensions.Options;

namespace Connectomics.Volumes.Conversion;

/// <summary>
/// What <see cref="VolumeConverter"/> writes and how much it holds at once. Validated as a whole when the converter is
/// made (every failure in one message); checks against the source array (rank, shapes) run when a conversion starts,
/// before anything is written.
/// </summary>
public sealed class VolumeConversionOptions : IValidatableObject
{
    /// <summary>Gets or sets the destination format.</summary>
    /// <value>The default value is <see cref="VolumeFormat.ZarrV3"/>.</value>
    public VolumeFormat Format { get; set; } = VolumeFormat.ZarrV3;

    /// <summary>
    /// Gets or sets the codec of the destination's chunks: <c>raw</c>, <c>gzip</c>, <c>zstd</c>, <c>blosc-lz4</c>,
    /// <c>blosc-lz4hc</c>, <c>blosc-zstd</c> or <c>blosc-zlib</c> (Blosc with byte shuffle) for Zarr v2 and v3, plus
    /// <c>zlib</c> and <c>lz4</c> for Zarr v2; <c>raw</c> or <c>gzip</c> (raw chunk files stored gzip-compressed as
    /// <c>name.gz</c>) for precomputed. <see langword="null"/> for the format's default.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: <c>blosc-zstd</c> for Zarr, <c>raw</c> for precomputed.</value>
    public string? Codec { get; set; }

    /// <summary>Gets or sets the codec's compression level, or <see langword="null"/> for the codec's default
    /// (5 for gzip, zlib and Blosc, 3 for zstd, acceleration 1 for lz4).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? CompressionLevel { get; set; }

    /// <summary>
    /// Gets or sets the destination's chunk shape (the inner chunk when sharded): one extent per axis of the source, or
    /// three (<c>z, y, x</c>) for a source with a channel axis, whose channel extent then stays the source's. For
    /// precomputed, the chunk size of the scale. <see langword="null"/> for the source's chunk shape.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IReadOnlyList<int>? ChunkShape { get; set; }

    /// <summary>
    /// Gets or sets the shape of a shard (Zarr v3 only): a multiple of the chunk shape on every axis, given like
    /// <see cref="ChunkShape"/>. <see langword="null"/> for no sharding, or the source's shards when the source is a
    /// sharded Zarr v3 array converted to Zarr v3 without a <see cref="ChunkShape"/>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IReadOnlyList<int>? ShardShape { get; set; }

    /// <summary>Gets or sets the size of a voxel in nanometres, <c>z, y, x</c>: the precomputed scale's
    /// <c>resolution</c> (which also names the scale, <c>x_y_z</c>). Not used by Zarr.</summary>
    /// <value>The default value is <see langword="null"/>: 1 nm on every axis.</value>
    public IReadOnlyList<double>? VoxelSize { get; set; }

    /// <summary>Gets or sets how many write units (destination chunks, or shards) are read, encoded and stored at once.</summary>
    /// <value>The default value is 4.</value>
    [Range(1, 1024)]
    public int Concurrency { get; set; } = 4;

    /// <summary>Gets or sets the limit of the cache of decoded source chunks, in bytes (0 for none: each source chunk
    /// is then decoded once per write unit that needs it).</summary>
    /// <value>The default value is 64 MiB.</value>
    [Range(0, long.MaxValue)]
    public long CacheBytes { get; set; } = 64L << 20;

    /// <summary>Gets or sets the most memory a conversion may need by <see cref="VolumeConverter.MemoryBoundBytes"/>;
    /// a conversion whose bound is larger is refused before anything is written. <see langword="null"/> for no limit.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    [Range(1, long.MaxValue)]
    public long? MaxMemoryBytes { get; set; }

    /// <summary>Gets or sets how source chunks are read: how many at once, and how transient failures are retried.</summary>
    /// <value>The default value is <see cref="VolumeReadOptions"/>' defaults.</value>
    [ValidateObjectMembers]
    public VolumeReadOptions Read { get; set; } = new();

    /// <summary>Gets the codec name in force: <see cref="Codec"/>, or the format's default.</summary>
    internal string CodecName => Codec ?? ConversionCodecs.DefaultFor(Format);

    /// <summary>Throws one exception listing every invalid setting.</summary>
    /// <exception cref="ValidationException">A setting is invalid.</exception>
    public void Validate()
    {
        var result = new VolumeConversionOptionsValidator().Validate(null, this);
        if (result.Failed)
        {
            throw new ValidationException($"{nameof(VolumeConversionOptions)} is invalid: {string.Join(" ", result.Failures)}");
        }
    }

    /// <summary>Checks what attributes cannot express: the codec for the format, the shapes, the voxel size.</summary>
    /// <param name="validationContext">The validation context.</param>
    /// <returns>One result for each invalid setting.</returns>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Format))
        {
            yield return new ValidationResult($"{nameof(Format)} {Format} is not a volume format.", [nameof(Format)]);
            yield break;
        }

        var codec = CodecName;
        if (!ConversionCodecs.Names.Contains(codec, StringComparer.Ordinal))
        {
            yield return new ValidationResult(
                $"{nameof(Codec)} '{codec}' is not a codec: use one of {string.Join(", ", ConversionCodecs.NamesFor(Format))}.", [nameof(Codec)]);
        }
        else if (!ConversionCodecs.NamesFor(Format).Contains(codec, StringComparer.Ordinal))
        {
            yield return new ValidationResult(
                $"{nameof(Codec)} '{codec}' is not stored by {Format}: use one of {string.Join(", ", ConversionCodecs.NamesFor(Format))}.", [nameof(Codec)]);
        }
        else if (CompressionLevel is { } level)
        {
            if (ConversionCodecs.LevelRange(codec) is not { } range)
            {
                yield return new ValidationResult($"{nameof(CompressionLevel)} {level} is given, but codec '{codec}' takes no level.", [nameof(CompressionLevel)]);
            }
            else if (level < range.Min || level > range.Max)
            {
                yield return new ValidationResult(
                    string.Create(CultureInfo.InvariantCulture, $"{nameof(CompressionLevel)} {level} is outside {range.Min}..{range.Max}, the levels of '{codec}'."),
                    [nameof(CompressionLevel)]);
            }
        }

        if (ChunkShape is not null && (ChunkShape.Count == 0 || ChunkShape.Any(extent => extent <= 0)))
        {
            yield return new ValidationResult($"{nameof(ChunkShape)} [{string.Join(", ", ChunkShape)}] must have extents > 0.", [nameof(ChunkShape)]);
        }

        if (ShardShape is not null)
        {
            if (Format != VolumeFormat.ZarrV3)
            {
                yield return new ValidationResult($"{nameof(ShardShape)} is given, but only Zarr v3 stores shards, not {Format}.", [nameof(ShardShape)]);
            }
            else if (ShardShape.Count == 0 || ShardShape.Any(extent => extent <= 0))
            {
                yield return new ValidationResult($"{nameof(ShardShape)} [{string.Join(", ", ShardShape)}] must have extents > 0.", [nameof(ShardShape)]);
            }
            else if (ChunkShape is not null && ChunkShape.All(extent => extent > 0) && !IsMultiple(ShardShape, ChunkShape))
            {
                yield return new ValidationResult(
                    $"{nameof(ShardShape)} [{string.Join(", ", ShardShape)}] is not a multiple of {nameof(ChunkShape)} [{string.Join(", ", ChunkShape)}] on every axis.",
                    [nameof(ShardShape)]);
            }
        }

        if (VoxelSize is not null && (VoxelSize.Count != 3 || VoxelSize.Any(value => !(value > 0) || double.IsInfinity(value))))
        {
            yield return new ValidationResult(
                string.Create(CultureInfo.InvariantCulture, $"{nameof(VoxelSize)} [{string.Join(", ", VoxelSize)}] must be 3 positive numbers (z, y, x nanometres)."),
                [nameof(VoxelSize)]);
        }

        if (Read is null)
        {
            yield return new ValidationResult($"{nameof(Read)} is required.", [nameof(Read)]);
        }
    }

    /// <summary>Gets whether every extent of <paramref name="outer"/> is a multiple of <paramref name="inner"/>'s (same rank).</summary>
    internal static bool IsMultiple(IReadOnlyList<int> outer, IReadOnlyList<int> inner) =>
        outer.Count == inner.Count && outer.Select((extent, axis) => extent % inner[axis] == 0).All(multiple => multiple);
}
