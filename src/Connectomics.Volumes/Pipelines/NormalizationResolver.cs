using System.Globalization;
using System.Runtime.InteropServices;
using Connectomics.Volumes.Data;
using Connectomics.Volumes.Geometry;
using Connectomics.Volumes.Reading;

namespace Connectomics.Volumes.Pipelines;

/// <summary>
/// Chooses how a volume's voxels are normalised when the caller gives no scale and shift. Unsigned integers (and
/// booleans) use their type's range: <c>value / max</c>, so 0 maps to 0 and the type's largest value to 1. Signed
/// integers and floating-point values use percentiles sampled from the array: the 1st percentile maps to 0 and the 99th
/// to 1 (<c>scale = 1 / (p99 − p1)</c>, <c>shift = −p1 × scale</c>).
/// </summary>
/// <remarks>
/// The sample is deterministic: up to <see cref="MaxSampledChunks"/> chunks at evenly spaced positions of the chunk
/// grid (C order; position <c>⌊i × n / k⌋</c> of <c>n</c> chunks for <c>i</c> below <c>k</c>), every voxel of each
/// (within the array) and every channel; a chunk that holds only the fill value (or is not stored) passes its turn to the
/// positions after it, up to <see cref="MaxTriesPerPosition"/> in all and never into the next candidate's stretch. When the sample exceeds <see cref="MaxSampledValues"/> values every <c>s</c>-th value is kept so that
/// it fits. Percentiles interpolate linearly between the sorted values (NumPy's default). A sample whose 1st and 99th
/// percentiles are equal gives <c>scale = 1</c>, <c>shift = −p1</c>.
/// </remarks>
public static class NormalizationResolver
{
    /// <summary>The most chunks sampled for percentiles.</summary>
    public const int MaxSampledChunks = 64;

    /// <summary>The most values kept for percentiles (a stride thins larger samples).</summary>
    public const long MaxSampledValues = 1L << 24;

    /// <summary>The most positions tried, from an evenly spaced one on, for a chunk that holds other values than the fill value.</summary>
    public const int MaxTriesPerPosition = 16;

    /// <summary>The lower percentile mapped to 0.</summary>
    public const double LowPercentile = 1;

    /// <summary>The upper percentile mapped to 1.</summary>
    public const double HighPercentile = 99;

    /// <summary>Gets the normalisation of <paramref name="array"/>'s voxels: the explicit one when given, else the default above.</summary>
    /// <param name="array">The array.</param>
    /// <param name="explicitNormalization">The caller's normalisation, or null for the default.</param>
    /// <param name="cancellationToken">Cancels the sampling.</param>
    /// <returns>The normalisation, with <see cref="VoxelNormalization.Detail"/> saying what it came from.</returns>
    /// <exception cref="Errors.VolumeDataException">A sampled chunk is corrupt.</exception>
    /// <exception cref="IOException">A sampled chunk could not be read.</exception>
    public static async ValueTask<VoxelNormalization> ResolveAsync(VolumeArray array, VoxelNormalization? explicitNormalization = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (explicitNormalization is not null)
        {
            return explicitNormalization;
        }

        var type = array.Info.DataType;
        if (type.IsUnsigned())
        {
            var max = MaxValue(type);
            return new VoxelNormalization((float)(1 / max), 0, "dtype-range",
                string.Create(CultureInfo.InvariantCulture, $"{Name(type)} range 0..{max:R}"));
        }

        return await PercentilesAsync(array, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask<VoxelNormalization> PercentilesAsync(VolumeArray array, CancellationToken cancellationToken)
    {
        var shape = array.Shape;
        var chunk = array.ChunkShape;
        var grid = new Index3(Ceiling(shape.Z, chunk.Z), Ceiling(shape.Y, chunk.Y), Ceiling(shape.X, chunk.X));
        var count = grid.Volume;
        var boxes = new List<Box3>();
        long voxels = 0;
        var candidates = (int)Math.Min(MaxSampledChunks, count);
        for (var i = 0; i < candidates; i++)
        {
            // Evenly spaced positions; an empty chunk passes its turn to the next positions of its stretch.
            var from = i * count / candidates;
            var to = Math.Min((i + 1) * count / candidates, from + MaxTriesPerPosition);
            for (var position = from; position < to; position++)
            {
                var box = ChunkBox(position, grid, chunk, shape);
                if (!await array.IsEmptyAsync(box, Boundary.Fill, cancellationToken).ConfigureAwait(false))
                {
                    boxes.Add(box);
                    voxels += box.VoxelCount * array.Channels;
                    break;
                }
            }
        }

        var stride = Math.Max(1, Ceiling(voxels, MaxSampledValues));
        var values = new List<double>((int)Math.Min(voxels, MaxSampledValues) + 1);
        long seen = 0;
        foreach (var box in boxes)
        {
            var bytes = await VoxelReader.ReadAsync(array, box, Boundary.Fill, cancellationToken).ConfigureAwait(false);
            var elements = VoxelValues.Count(bytes.Length, array.Info.DataType);
            for (var e = 0; e < elements; e++, seen++)
            {
                if (seen % stride == 0)
                {
                    values.Add(VoxelValues.Read(bytes, e, array.Info.DataType));
                }
            }
        }

        var type = Name(array.Info.DataType);
        if (values.Count == 0)
        {
            // Every chunk holds only the fill value: map it to 0.
            var fill = VoxelValues.Read(array.Info.FillValue.Span, 0, array.Info.DataType);
            return new VoxelNormalization(1, (float)-fill, "percentiles",
                string.Create(CultureInfo.InvariantCulture, $"{type}: no stored chunk holds other values than the fill value {fill:R}"));
        }

        values.Sort();
        var low = Percentile(values, LowPercentile);
        var high = Percentile(values, HighPercentile);
        var what = string.Create(CultureInfo.InvariantCulture,
            $"{type}: p{LowPercentile:R}={low:R} p{HighPercentile:R}={high:R} over {values.Count} values of {boxes.Count} of {count} chunks{(stride > 1 ? $", every {stride}th" : string.Empty)}");
        if (high <= low)
        {
            return new VoxelNormalization(1, (float)-low, "percentiles", what + ", constant");
        }

        var scale = 1 / (high - low);
        return new VoxelNormalization((float)scale, (float)(-low * scale), "percentiles", what);
    }

    /// <summary>Gets a percentile of sorted values by linear interpolation between the closest ranks.</summary>
    /// <param name="sorted">The values, sorted ascending.</param>
    /// <param name="percent">The percentile, 0 to 100.</param>
    /// <returns>The percentile.</returns>
    internal static double Percentile(IReadOnlyList<double> sorted, double percent)
    {
        var rank = percent / 100 * (sorted.Count - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((sorted[above] - sorted[below]) * (rank - below));
    }

    private static Box3 ChunkBox(long position, Index3 grid, Index3 chunk, Index3 shape)
    {
        var x = position % grid.X;
        var rest = position / grid.X;
        var index = new Index3(rest / grid.Y, rest % grid.Y, x);
        var start = index * chunk;
        return new Box3(start, Index3.Min(start + chunk, shape));
    }

    private static long Ceiling(long value, long divisor) => (value + divisor - 1) / divisor;

    private static double MaxValue(VoxelType type) => type switch
    {
        VoxelType.Bool => 1,
        VoxelType.UInt8 => byte.MaxValue,
        VoxelType.UInt16 => ushort.MaxValue,
        VoxelType.UInt32 => uint.MaxValue,
        VoxelType.UInt64 => ulong.MaxValue,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an unsigned type."),
    };

    private static string Name(VoxelType type) => type.ToString().ToLowerInvariant();
}
