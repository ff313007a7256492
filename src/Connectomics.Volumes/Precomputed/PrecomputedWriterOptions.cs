using System.IO.Compression;
using Connectomics.Volumes.Data;

namespace Connectomics.Volumes.Precomputed;

/// <summary>What <see cref="PrecomputedWriter"/> creates: the volume's <c>info</c> and how chunk files are stored.</summary>
public sealed class PrecomputedWriterOptions
{
    /// <summary>Gets or sets the volume type: <c>image</c> or <c>segmentation</c>.</summary>
    /// <value>The default value is <c>image</c>.</value>
    public string Type { get; set; } = "image";

    /// <summary>Gets or sets the element type; <see cref="VoxelType.Bool"/> and <see cref="VoxelType.Float16"/> have no precomputed name.</summary>
    /// <value>The default value is <see cref="VoxelType.UInt8"/>.</value>
    public VoxelType DataType { get; set; } = VoxelType.UInt8;

    /// <summary>Gets or sets the number of channels (1 for segmentation).</summary>
    /// <value>The default value is 1.</value>
    public int NumChannels { get; set; } = 1;

    /// <summary>Gets the scales, finest first; each must use the <c>raw</c> encoding and no sharding.</summary>
    /// <value>The default value is an empty list (at least one scale is required).</value>
    public IList<PrecomputedScale> Scales { get; } = [];

    /// <summary>Gets or sets a value indicating whether chunk files are gzip-compressed and stored as <c>name.gz</c>, as
    /// CloudVolume's <c>compress=True</c> stores them on disk.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Compress { get; set; }

    /// <summary>Gets or sets the gzip level when <see cref="Compress"/> is set.</summary>
    /// <value>The default value is <see cref="CompressionLevel.Fastest"/>.</value>
    public CompressionLevel CompressionLevel { get; set; } = CompressionLevel.Fastest;

    /// <summary>Gets or sets a value indicating whether an existing <c>info</c> that differs from the one these options
    /// describe is replaced (otherwise creating the writer is refused, so existing output is never corrupted).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Overwrite { get; set; }

    /// <summary>Checks the options, gathering every problem.</summary>
    /// <exception cref="ArgumentException">One or more settings are invalid; the message lists them all.</exception>
    public void Validate()
    {
        var failures = new List<string>();
        if (Type is not ("image" or "segmentation"))
        {
            failures.Add($"Type must be 'image' or 'segmentation', not '{Type}'.");
        }

        if (PrecomputedDataTypes.NameOf(DataType) is null)
        {
            failures.Add($"DataType {DataType} has no precomputed data_type.");
        }

        if (NumChannels < 1)
        {
            failures.Add($"NumChannels must be at least 1, not {NumChannels}.");
        }
        else if (Type == "segmentation" && NumChannels != 1)
        {
            failures.Add($"a segmentation has 1 channel, not {NumChannels}.");
        }

        if (Scales.Count == 0)
        {
            failures.Add("Scales must hold at least one scale.");
        }

        if (!Enum.IsDefined(CompressionLevel))
        {
            failures.Add($"CompressionLevel {CompressionLevel} is not a compression level.");
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Scales.Count; i++)
        {
            var scale = Scales[i];
            var name = $"Scales[{i}]";
            if (scale is null)
            {
                failures.Add($"{name} is null.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(scale.Key) || scale.Key.Split('/').Any(segment => segment is "" or "." or "..") || scale.Key.Contains('\\', StringComparison.Ordinal))
            {
                failures.Add($"{name}.Key '{scale.Key}' must be a relative '/'-separated folder name without empty, '.' or '..' segments.");
            }
            else if (!keys.Add(scale.Key))
            {
                failures.Add($"{name}.Key '{scale.Key}' is used by another scale.");
            }

            if (scale.Size.Z <= 0 || scale.Size.Y <= 0 || scale.Size.X <= 0)
            {
                failures.Add($"{name}.Size must be positive, not {scale.Size}.");
            }

            if (scale.ChunkSize.Z <= 0 || scale.ChunkSize.Y <= 0 || scale.ChunkSize.X <= 0 || scale.ChunkSize.Volume > int.MaxValue)
            {
                failures.Add($"{name}.ChunkSize must be positive and below 2^31 voxels, not {scale.ChunkSize}.");
            }

            if (scale.ChunkSizes.Count != 1 || scale.ChunkSizes[0] != scale.ChunkSize)
            {
                failures.Add($"{name}.ChunkSizes must be just ChunkSize: the writer stores one chunk size.");
            }

            if (scale.Resolution is not { Count: 3 } || scale.Resolution.Any(value => !(value > 0) || double.IsInfinity(value)))
            {
                failures.Add($"{name}.Resolution must be 3 positive numbers (z, y, x nanometres).");
            }

            if (scale.Encoding != PrecomputedEncodings.Raw)
            {
                failures.Add($"{name}.Encoding must be 'raw', not '{scale.Encoding}': the writer stores raw chunks only.");
            }

            if (scale.IsSharded)
            {
                failures.Add($"{name} is sharded: the writer stores unsharded scales only.");
            }
        }

        if (failures.Count > 0)
        {
            throw new ArgumentException($"{nameof(PrecomputedWriterOptions)}: {string.Join(" ", failures)}");
        }
    }
}
